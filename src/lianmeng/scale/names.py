"""Realistic Chinese names for generated data: places, fields, units, alliances, patents.

Everything here is deterministic given the ``random.Random`` passed in, so a build with the
same seed names the same units the same way.
"""

from __future__ import annotations

import random

#: (所属领域, 重点领域, 产业（行业）) — the fields alliances and proposals are named after
FIELDS: list[tuple[str, str, str]] = [
    ("industry", "新材料", "高性能铝基新材料"),
    ("industry", "新材料", "超硬材料"),
    ("industry", "新材料", "耐火材料"),
    ("industry", "新材料", "钛合金"),
    ("industry", "新材料", "碳纤维复合材料"),
    ("industry", "新材料", "石墨烯"),
    ("industry", "新材料", "特种陶瓷"),
    ("industry", "新材料", "功能薄膜"),
    ("industry", "新材料", "稀土功能材料"),
    ("industry", "新材料", "先进高分子材料"),
    ("industry", "先进装备制造", "轴承"),
    ("industry", "先进装备制造", "矿山机械"),
    ("industry", "先进装备制造", "智能农机装备"),
    ("industry", "先进装备制造", "工业机器人"),
    ("industry", "先进装备制造", "数控机床"),
    ("industry", "先进装备制造", "轨道交通装备"),
    ("industry", "先进装备制造", "输变电装备"),
    ("industry", "先进装备制造", "起重装备"),
    ("industry", "先进装备制造", "高端阀门"),
    ("industry", "先进装备制造", "航空零部件"),
    ("industry", "新能源", "锂离子电池"),
    ("industry", "新能源", "光伏"),
    ("industry", "新能源", "氢能与燃料电池"),
    ("industry", "新能源", "风电装备"),
    ("industry", "新能源", "储能"),
    ("industry", "新能源汽车", "新能源汽车"),
    ("industry", "新能源汽车", "汽车电子"),
    ("industry", "电子信息", "集成电路"),
    ("industry", "电子信息", "智能传感器"),
    ("industry", "电子信息", "新型显示"),
    ("industry", "电子信息", "工业软件"),
    ("industry", "电子信息", "北斗导航"),
    ("industry", "电子信息", "网络安全"),
    ("industry", "电子信息", "人工智能"),
    ("industry", "节能环保", "节能环保装备"),
    ("industry", "节能环保", "固废资源化"),
    ("industry", "节能环保", "水处理"),
    ("industry", "化工", "精细化工"),
    ("industry", "化工", "煤化工"),
    ("industry", "化工", "尼龙新材料"),
    ("industry", "冶金", "绿色钢铁"),
    ("industry", "冶金", "有色金属"),
    ("industry", "冶金", "钨钼材料"),
    ("industry", "建材", "绿色建材"),
    ("industry", "轻工", "食品加工"),
    ("industry", "轻工", "纺织服装"),
    ("agriculture", "现代农业", "小麦"),
    ("agriculture", "现代农业", "玉米"),
    ("agriculture", "现代农业", "大豆"),
    ("agriculture", "现代农业", "水稻"),
    ("agriculture", "现代农业", "花生"),
    ("agriculture", "现代农业", "食用菌"),
    ("agriculture", "现代农业", "设施蔬菜"),
    ("agriculture", "现代农业", "中药材"),
    ("agriculture", "现代农业", "畜禽养殖"),
    ("agriculture", "现代农业", "乳业"),
    ("agriculture", "现代农业", "林果"),
    ("agriculture", "现代农业", "种业"),
    ("social_development", "生物医药", "生物疫苗"),
    ("social_development", "生物医药", "现代中药"),
    ("social_development", "生物医药", "医疗器械"),
    ("social_development", "生物医药", "体外诊断"),
    ("social_development", "公共安全", "应急装备"),
    ("social_development", "生态环境", "大气污染防治"),
    ("social_development", "文化科技", "数字文旅"),
]
QUALIFIERS = [
    "",
    "",
    "",
    "高端",
    "绿色",
    "智能",
    "先进",
    "新型",
    "特种",
    "高性能",
    "精密",
    "数字",
    "低碳",
    "现代",
]

BRANDS = list(
    "华中恒宏鑫瑞昌盛泰丰隆安兴达源通远博新豫冀龙江海天金银宝利德信诚正东南西北光明"
    "鼎嘉和康永福祥晟亿腾飞翔越锦辉汇众联创科力强"
)
SUFFIXES = ["股份有限公司", "有限公司", "科技有限公司", "集团有限公司", "有限责任公司"]
UNIVERSITY_WORDS = ["理工", "科技", "工业", "农业", "医科", "师范", "交通", "石油", "化工", "建筑"]
INSTITUTE_WORDS = [
    "科学院",
    "工业技术研究院",
    "农业科学院",
    "材料研究所",
    "机械研究院",
    "化工研究院",
]
INTERMEDIARY_WORDS = ["科技咨询有限公司", "技术转移中心有限公司", "知识产权服务有限公司"]

#: patent titles: an opening, a material, a thing (also tests/bench/ipbase_bench.py)
MATERIALS = [
    "耐火材料",
    "轴承",
    "超硬材料",
    "钛合金",
    "铝合金",
    "碳纤维",
    "石墨烯",
    "陶瓷",
    "玻璃",
    "光伏组件",
    "锂电池",
    "电机",
    "减速器",
    "变压器",
    "输电线路",
    "小麦",
    "玉米",
    "花生",
    "中药材",
    "生物疫苗",
    "医疗器械",
    "机器人",
    "传感器",
    "芯片",
    "软件",
    "农机",
    "矿山机械",
    "钢丝绳",
    "耐磨铸件",
    "硅钢片",
]
THINGS = [
    "的制备方法",
    "及其应用",
    "检测装置",
    "成型模具",
    "生产工艺",
    "控制系统",
    "回收方法",
    "加工设备",
]
ADJ = ["一种", "一种高效", "一种低成本", "一种智能", "一种环保", "一种高温", "一种轻量化"]
STANDARD_ENDINGS = [" 试验方法", " 技术条件", " 通用规范", " 评价导则"]

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉鹏飞宇浩然")

_PROVINCE_ENDINGS = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
_CITY_ENDINGS = ("土家族苗族自治州", "藏族自治州", "自治州", "地区", "林区", "市", "盟")


def short_place(name: str) -> str:
    """河南省 → 河南, 洛阳市 → 洛阳, 内蒙古自治区 → 内蒙古 (names with their kind's ending cut)."""
    for ending in _PROVINCE_ENDINGS + _CITY_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)]
    return name


PEOPLE = [s + g for s in SURNAMES for g in GIVEN] + [
    s + g + h for s in SURNAMES for g in GIVEN[::3] for h in GIVEN[1::4]
]


def person(rnd: random.Random) -> str:
    return rnd.choice(PEOPLE)


def unit_name(rnd: random.Random, kind: str, place: str, industry: str) -> str:
    """河南恒鑫新材料股份有限公司, 洛阳理工大学, 保定工业技术研究院 …"""
    if kind == "university":
        return f"{place}{rnd.choice(UNIVERSITY_WORDS)}大学"
    if kind == "vocational_college":
        return f"{place}{rnd.choice(UNIVERSITY_WORDS)}职业技术学院"
    if kind == "research_institute":
        return f"{place}{rnd.choice(INSTITUTE_WORDS)}"
    brand = rnd.choice(BRANDS) + rnd.choice(BRANDS)
    if kind == "intermediary":
        return f"{place}{brand}{rnd.choice(INTERMEDIARY_WORDS)}"
    return f"{place}{brand}{industry}{rnd.choice(SUFFIXES)}"


def alliance_name(place: str, qualifier: str, industry: str) -> str:
    """河南高性能铝基新材料产业技术创新战略联盟"""
    return f"{place}{qualifier}{industry}产业技术创新战略联盟"


def patent_title(rnd: random.Random) -> str:
    return rnd.choice(ADJ) + rnd.choice(MATERIALS) + rnd.choice(THINGS)


def standard_title(rnd: random.Random) -> str:
    return rnd.choice(MATERIALS) + rnd.choice(STANDARD_ENDINGS)


#: the industry word in an enterprise's name (河南恒鑫新材料股份有限公司)
COMPANY_INDUSTRIES = [
    "新材料",
    "智能装备",
    "机械",
    "电子",
    "生物医药",
    "新能源",
    "化工",
    "农业科技",
    "食品",
    "环保科技",
    "信息技术",
    "汽车零部件",
    "精密制造",
    "电气",
    "建材",
    "纺织",
    "矿业",
    "药业",
    "种业",
    "重工",
]
