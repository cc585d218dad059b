"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # rating
    "reviews.session_create": "创建述职评议",
    "reviews.session_update": "修改述职评议",
    "reviews.session_open": "开始述职评议",
    "reviews.session_close": "结束述职评议并汇总",
    "reviews.session_reopen": "重新开放述职评议",
    "reviews.session_publish": "公布述职评议结果",
    "reviews.session_unpublish": "撤回述职评议结果",
    "reviews.reporters_add": "添加述职单位",
    "reviews.reporter_remove": "移除述职单位",
    "reviews.reporter_move": "调整述职顺序",
    "reviews.report_upload": "上传述职报告",
    "reviews.rater_add": "添加评议人",
    "reviews.rater_remove": "移除评议人",
    "reviews.rater_reissue": "重新生成评议链接",
    "reviews.rating_save": "保存述职评议评分",
    "reviews.rating_submit": "提交述职评议评分",
    "reviews.findings_raise": "述职评议低分项列入问题整改",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # rating
    "reviews.rating_min_raters": PolicyDefault(5, "述职评议每个述职单位的最少有效评议人数（不足时结果标注）", "平台默认"),
    "reviews.rating_low_threshold": PolicyDefault(0.6, "述职评议考查要点得分率低于此值列为低分项（可列入问题整改）", "平台默认"),
    "reviews.rating_requests_per_hour": PolicyDefault(3000, "述职评议评分页同一地址每小时请求上限（会场共用网络，宜宽松）", "平台安全要求"),
    "reviews.rating_bad_keys_per_hour": PolicyDefault(20, "述职评议评分页同一地址每小时无效链接次数上限（超过即暂停该地址）", "平台安全要求"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
