import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
        ('rectification', '0008_alter_finding_source_alter_recheckround_source'),
        ('regions', '0001_initial'),
        ('schools', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='accountabilitycase',
            name='case_has_target',
        ),
        migrations.RemoveConstraint(
            model_name='commendation',
            name='commendation_has_target',
        ),
        migrations.RemoveConstraint(
            model_name='finding',
            name='finding_has_target',
        ),
        migrations.RemoveConstraint(
            model_name='rectificationnotice',
            name='notice_has_target',
        ),
        migrations.AlterField(
            model_name='accountabilitycase',
            name='region_code',
            field=models.CharField(db_index=True, max_length=12, verbose_name='所在区划'),
        ),
        migrations.AlterField(
            model_name='accountabilitycase',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='schools.school', verbose_name='学校'),
        ),
        migrations.AlterField(
            model_name='accountabilitycase',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='regions.govunit', verbose_name='政府单位'),
        ),
        migrations.AlterField(
            model_name='commendation',
            name='region_code',
            field=models.CharField(db_index=True, max_length=12, verbose_name='所在区划'),
        ),
        migrations.AlterField(
            model_name='commendation',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='schools.school', verbose_name='学校'),
        ),
        migrations.AlterField(
            model_name='commendation',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='regions.govunit', verbose_name='政府单位'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='schools.school', verbose_name='学校'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='regions.govunit', verbose_name='政府单位'),
        ),
        migrations.AlterField(
            model_name='noticetransition',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='noticetransition',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='rectificationnotice',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='schools.school', verbose_name='学校'),
        ),
        migrations.AlterField(
            model_name='rectificationnotice',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='regions.govunit', verbose_name='政府单位'),
        ),
        migrations.AlterField(
            model_name='talk',
            name='region_code',
            field=models.CharField(db_index=True, max_length=12, verbose_name='所在区划'),
        ),
        migrations.AlterField(
            model_name='talk',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='schools.school', verbose_name='学校'),
        ),
        migrations.AlterField(
            model_name='talk',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='regions.govunit', verbose_name='政府单位'),
        ),
        migrations.AddConstraint(
            model_name='accountabilitycase',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('unit__isnull', False), _connector='XOR'), name='rectification_accountabilitycase_one_target'),
        ),
        migrations.AddConstraint(
            model_name='commendation',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('unit__isnull', False), _connector='XOR'), name='rectification_commendation_one_target'),
        ),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('unit__isnull', False), _connector='XOR'), name='rectification_finding_one_target'),
        ),
        migrations.AddConstraint(
            model_name='rectificationnotice',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('unit__isnull', False), _connector='XOR'), name='rectification_rectificationnotice_one_target'),
        ),
        migrations.AddConstraint(
            model_name='talk',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('unit__isnull', False), _connector='XOR'), name='rectification_talk_one_target'),
        ),
    ]
