"""Reference tables for the JD replica's generator: places with JD's own area ids, categories (childrenCateId),
asset labels (labelSet), sellers and the word lists titles and names are built from.

JD area ids are JD's, not GB2260: 广东 = 19, 广州市 = 1601, 东莞市 = 1655 (a prefecture city without districts,
whose county is itself), as in the public samples (sources.md §2, idx:18282350279, idx:54630055527). The other
city and county ids here are plausible inventions and are marked so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    province: str  # as JD writes it: 广东 (no 省), 北京
    province_id: int
    city: str  # 东莞市
    city_id: int
    county: str  # 南城区; for a city without districts the city again (东莞市)
    county_id: int
    lng: float
    lat: float
    tier: int  # 1 first-tier, 2 large city, 3 other

    @property
    def city_short(self) -> str:
        return self.city.removesuffix("市")


# province, province id, city, city id, county, county id, lng, lat, tier.
# 19/1601/1655 and 1/2 are JD's real ids; the county ids (and city ids other than 1601, 1607, 1655) are invented.
_REGION_TABLE = """
广东 19 广州市 1601 天河区 3633 113.3612 23.12468 1
广东 19 广州市 1601 白云区 50258 113.273238 23.157367 1
广东 19 深圳市 1607 南山区 3155 113.930478 22.533191 1
广东 19 深圳市 1607 福田区 3638 114.055036 22.52153 1
广东 19 东莞市 1655 东莞市 1655 113.751765 23.020536 2
广东 19 佛山市 1666 顺德区 3162 113.293359 22.80524 2
北京 1 北京市 72 朝阳区 2799 116.443108 39.92147 1
北京 1 北京市 72 海淀区 2800 116.298056 39.959912 1
上海 2 上海市 2813 浦东新区 51043 121.544379 31.221517 1
上海 2 上海市 2813 闵行区 2823 121.381709 31.112813 1
江苏 12 南京市 904 鼓楼区 3373 118.770182 32.066601 2
江苏 12 苏州市 988 吴中区 3388 120.631931 31.264192 2
浙江 15 杭州市 1213 西湖区 3418 120.130203 30.259324 2
浙江 15 宁波市 1233 鄞州区 3430 121.546603 29.816511 2
山东 13 济南市 1000 历下区 3492 117.076441 36.666282 2
四川 22 成都市 1930 武侯区 3540 104.043246 30.641982 2
湖北 17 武汉市 1381 江汉区 3582 114.270871 30.601475 2
河南 7 郑州市 412 金水区 3545 113.660555 34.800156 2
山西 6 运城市 347 盐湖区 3312 111.006854 35.026412 3
安徽 14 合肥市 1116 蜀山区 3510 117.260536 31.85112 2
"""

REGIONS: tuple[Region, ...] = tuple(
    Region(p, int(pid), c, int(cid), k, int(kid), float(lng), float(lat), int(tier))
    for p, pid, c, cid, k, kid, lng, lat, tier in (line.split() for line in _REGION_TABLE.strip().splitlines())
)

# childrenCateId → (name, kind, weight). Names: idx:18282350279 / idx:56641449566 (101-134); kinds drive titles.
CATEGORIES: dict[int, tuple[str, str, int]] = {
    101: ("住宅用房", "house", 30),
    102: ("商业用房", "commercial", 12),
    103: ("工业用房", "industrial", 5),
    105: ("机动车", "vehicle", 11),
    108: ("股权", "equity", 6),
    109: ("债权", "debt", 16),
    112: ("土地", "land", 5),
    114: ("机械设备", "equipment", 4),
    121: ("库存物资", "inventory", 4),
    123: ("其他财产", "other", 3),
}

# labelSet ids (sources.md §2) → name; publishSource 7 is the judicial channel (司法), 9 the asset channel.
LABELS = {
    1027: "诉讼资产",
    1028: "刑案资产",
    1029: "破产资产",
    1030: "海关罚没",
    1031: "国有资产",
    1032: "商业资产",
    1033: "金融资产",
    1039: "政府罚没",
}

PLATES = {"广东": "粤", "北京": "京", "上海": "沪", "江苏": "苏", "浙江": "浙", "山东": "鲁", "四川": "川", "湖北": "鄂",
          "河南": "豫", "山西": "晋", "安徽": "皖"}  # fmt: skip

AMCS = (
    "中国东方资产管理股份有限公司",
    "中国信达资产管理股份有限公司",
    "中国长城资产管理股份有限公司",
    "中国中信金融资产管理股份有限公司",
)
BANKS = (
    "中国建设银行股份有限公司",
    "中国工商银行股份有限公司",
    "中国农业银行股份有限公司",
    "交通银行股份有限公司",
    "招商银行股份有限公司",
    "上海浦东发展银行股份有限公司",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭"
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "建华", "志强", "国庆", "海燕", "晓东", "文博", "子轩", "雨桐", "建国", "德明",
)  # fmt: skip
FIRM_WORDS = (
    "鑫源", "恒达", "华盛", "永利", "宏图", "金鼎", "瑞丰", "汇通", "兴业", "天润", "嘉禾", "东方红", "万邦", "联创",
    "盛世", "中泰", "佳宁", "润泽", "启航", "锦程", "广源", "信诚", "海川", "博远",
)  # fmt: skip
INDUSTRIES = ("实业", "贸易", "建材", "纺织", "五金制品", "电子科技", "物流", "房地产开发", "化工", "食品", "投资", "机械制造")
ROADS = ("人民路", "解放路", "中山路", "建设路", "和平路", "胜利路", "新华路", "工业大道", "滨江路", "长安街", "东风路")
ESTATES = ("阳光花园", "碧桂园", "金色家园", "翡翠城", "锦绣华庭", "万科城", "滨江华府", "御景湾", "紫荆苑", "龙湖天街")
VEHICLES = (("丰田", "凯美瑞", "小型轿车"), ("大众", "帕萨特", "小型轿车"), ("本田", "雅阁", "小型轿车"),
            ("奔驰", "GLC300", "小型越野客车"), ("宝马", "530Li", "小型轿车"), ("别克", "GL8", "小型普通客车"),
            ("解放", "J6P", "重型半挂牵引车"), ("比亚迪", "汉EV", "小型轿车"))
EQUIPMENT = ("数控机床", "注塑机", "空气压缩机", "叉车", "印刷机", "生产线设备", "冷库设备", "发电机组")
GOODS = ("红木家具", "服装面料", "不锈钢卷材", "电子元器件", "白酒", "建筑钢材", "茶叶", "轮胎")
LAND_USES = ("住宅", "商服", "工业", "仓储")
REVOKE_REASONS = ("申请执行人撤回执行申请", "案外人提出异议，本次拍卖撤回", "被执行人已履行完毕义务")
DEFER_REASONS = ("申请执行人申请暂缓拍卖", "案件当事人达成和解，暂缓拍卖")
HALT_REASONS = ("案外人对拍卖标的提出确有理由的异议", "法院依法裁定中止拍卖", "被执行人进入破产程序，中止拍卖")
ATTACHMENTS = {
    "debt": ("债权资产明细表.xlsx", "债权转让公告.pdf", "资产包尽调报告摘要.pdf"),
    "court": ("评估报告.pdf", "执行裁定书.pdf", "不动产权证书.pdf", "现场照片.pdf"),
    "other": ("资产清单.xlsx", "检测报告.pdf", "委托拍卖合同摘要.pdf"),
}


def person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def firm(rng, region: Region) -> str:
    return f"{region.city_short}{rng.choice(FIRM_WORDS)}{rng.choice(INDUSTRIES)}有限公司"


def masked(rng) -> str:
    """A bidder's alias as the realtime API masks it: ``j***8`` style."""
    letters = "abcdefghjkmnpqrstuvwxyz"
    return f"{rng.choice(letters)}***{rng.randrange(10)}"
