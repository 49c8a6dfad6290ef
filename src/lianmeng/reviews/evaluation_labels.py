"""Names in the profiles' ``[evaluation]`` tables (grades, evaluators, indicator families and
indicators, consequences), marked for translation like :mod:`lianmeng.reviews.profile_labels`:
the profiles stay in Chinese; the English UI shows these names through the message catalogue.
``tests/reviews/test_evaluation_labels.py`` fails when a profile gains a name missing here.
The scoring guidance is text, not a name, and stays in Chinese."""

from django.utils.translation import gettext_noop

EVALUATION_LABELS = (
    # grades (河南 五(三)、洛阳 第九条)
    gettext_noop("优秀"),
    gettext_noop("良好"),
    gettext_noop("合格"),
    gettext_noop("不合格"),
    # evaluators
    gettext_noop("河南省科学技术厅"),
    gettext_noop("省科技厅邀请的评价专家"),
    gettext_noop("洛阳市科学技术局"),
    gettext_noop("受市科技主管部门委托的第三方评价机构"),
    gettext_noop("市科技主管部门邀请的评价专家"),
    # 河南: families of 000 六(三), indicators of 001 附件2 二(一)
    gettext_noop("创新活动情况"),
    gettext_noop("合作创新与科技计划项目"),
    gettext_noop("创新绩效（核心技术、技术标准、知识产权）"),
    gettext_noop("创新成果扩散情况"),
    gettext_noop("科技成果转移转化与人才培养"),
    gettext_noop("服务产业"),
    gettext_noop("运行管理情况"),
    gettext_noop("组织机构运行与管理制度执行"),
    gettext_noop("重大事项报告"),
    gettext_noop("利益保障（成员满意度）"),
    # 洛阳: the three systems of 第八条
    gettext_noop("年度工作计划执行与创新成效"),
    gettext_noop("年度工作计划执行完成情况"),
    gettext_noop("主要创新成效（关键技术、知识产权、技术标准）"),
    gettext_noop("资金使用情况"),
    gettext_noop("定期交流合作"),
    gettext_noop("理事会、工作会"),
    gettext_noop("技术交流、培训与合作活动"),
    gettext_noop("报告制度"),
    gettext_noop("重大事项报备"),
    gettext_noop("年度自评价报告按时报送"),
    # consequences
    gettext_noop("给予警告并限期整改"),
    gettext_noop("取消其河南省产业技术创新战略联盟资格"),
    gettext_noop("取消其享受扶持与奖励政策的资格"),
)
