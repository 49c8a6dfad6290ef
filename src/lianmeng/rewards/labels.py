"""Names in the profiles' ``[rewards]`` tables (kinds and the figures they read), marked for
translation: the profiles are data and stay in Chinese; the English UI shows these names through
the message catalogue. ``tests/rewards/test_labels.py`` fails when a profile gains a name that is
missing here."""

from django.utils.translation import gettext_noop

LABELS = (
    # kinds (洛阳 第十一条至第十四条, 保定 第十五条, 黑龙江 7、8)
    gettext_noop("新获批联盟牵头单位奖励"),
    gettext_noop("独立法人机构注册奖励"),
    gettext_noop("独立法人机构运营补助"),
    gettext_noop("联盟研发项目立项支持"),
    gettext_noop("公共服务平台建设补助"),
    gettext_noop("公共服务平台运营资金奖励"),
    gettext_noop("公共服务平台服务收入奖励"),
    gettext_noop("创新联盟运行经费补贴"),
    gettext_noop("联盟科技创新研发平台项目资助"),
    # the figures a claim carries (lianmeng.policy.rewards.FIGURE_LABELS and profiles' own)
    gettext_noop("独立法人机构年度销售收入"),
    gettext_noop("实际建设投资"),
    gettext_noop("运营资金"),
    gettext_noop("服务收入"),
    gettext_noop("成员单位投入联盟的专项经费"),
)
