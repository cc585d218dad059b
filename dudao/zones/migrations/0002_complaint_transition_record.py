import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('zones', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='complainttransition',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
