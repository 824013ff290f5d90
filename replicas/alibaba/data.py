"""Reference tables for the Alibaba replica's generator: places with real GB2260 codes and coordinates, courts,
sellers (AMC branches, banks), categories and the word lists titles and names are built from.

Courts follow the real naming (``山西省运城市中级人民法院``, ``运城市盐湖区人民法院``) and case-number court codes
(``晋08`` for 运城中院, ``晋0802`` for 盐湖区法院, i.e. province abbreviation + digits 3-4 or 3-6 of the area code).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zlib import crc32


@dataclass(frozen=True, slots=True)
class Region:
    province: str  # short form as Alibaba writes it in 标的物所在地: 山西
    province_full: str  # 山西省
    city: str  # 运城
    city_full: str  # 运城市
    district: str  # 盐湖
    district_full: str  # 盐湖区
    code: str  # GB2260 county-level code
    lng: float
    lat: float
    area_code: str  # telephone area code, also the first part of a court's home path on sf.taobao.com
    plate: str  # licence-plate prefix
    tier: int  # 1 first-tier city, 2 provincial capital / large city, 3 other

    @property
    def abbr(self) -> str:
        return PROVINCE_ABBR[self.province]

    @property
    def municipality(self) -> bool:
        return self.province in ("北京", "上海", "天津", "重庆")


# province, province_full, city, city_full, district, district_full, GB2260 code, lng, lat, area code, plate, tier
_REGION_TABLE = """
山西 山西省 运城 运城市 盐湖 盐湖区 140802 111.006854 35.026412 0359 晋M 3
山西 山西省 运城 运城市 临猗 临猗县 140821 110.774547 35.144277 0359 晋M 3
山西 山西省 运城 运城市 永济 永济市 140881 110.447549 34.86705 0359 晋M 3
山西 山西省 太原 太原市 小店 小店区 140105 112.565524 37.736865 0351 晋A 2
山西 山西省 太原 太原市 迎泽 迎泽区 140106 112.5634 37.863451 0351 晋A 2
北京 北京市 北京 北京市 朝阳 朝阳区 110105 116.443108 39.92147 010 京A 1
北京 北京市 北京 北京市 海淀 海淀区 110108 116.298056 39.959912 010 京A 1
北京 北京市 北京 北京市 丰台 丰台区 110106 116.286968 39.863642 010 京A 1
上海 上海市 上海 上海市 浦东新 浦东新区 310115 121.544379 31.221517 021 沪A 1
上海 上海市 上海 上海市 闵行 闵行区 310112 121.381709 31.112813 021 沪A 1
上海 上海市 上海 上海市 徐汇 徐汇区 310104 121.436525 31.188523 021 沪A 1
广东 广东省 广州 广州市 天河 天河区 440106 113.3612 23.12468 020 粤A 1
广东 广东省 广州 广州市 白云 白云区 440111 113.273238 23.157367 020 粤A 1
广东 广东省 深圳 深圳市 南山 南山区 440305 113.930478 22.533191 0755 粤B 1
广东 广东省 深圳 深圳市 福田 福田区 440304 114.055036 22.52153 0755 粤B 1
广东 广东省 东莞 东莞市 东莞 东莞市 441900 113.751765 23.020536 0769 粤S 2
浙江 浙江省 杭州 杭州市 西湖 西湖区 330106 120.130203 30.259324 0571 浙A 2
浙江 浙江省 杭州 杭州市 余杭 余杭区 330110 119.978742 30.273705 0571 浙A 2
浙江 浙江省 宁波 宁波市 鄞州 鄞州区 330212 121.546603 29.816511 0574 浙B 2
江苏 江苏省 南京 南京市 鼓楼 鼓楼区 320106 118.770182 32.066601 025 苏A 2
江苏 江苏省 苏州 苏州市 姑苏 姑苏区 320508 120.617369 31.336081 0512 苏E 2
河南 河南省 郑州 郑州市 金水 金水区 410105 113.660617 34.800004 0371 豫A 2
河南 河南省 郑州 郑州市 中原 中原区 410102 113.613337 34.748256 0371 豫A 2
山东 山东省 济南 济南市 历下 历下区 370102 117.076441 36.666465 0531 鲁A 2
山东 山东省 青岛 青岛市 市南 市南区 370202 120.412392 36.075651 0532 鲁B 2
山东 山东省 滨州 滨州市 滨城 滨城区 371602 118.019146 37.430724 0543 鲁M 3
四川 四川省 成都 成都市 武侯 武侯区 510107 104.04339 30.641982 028 川A 2
四川 四川省 成都 成都市 锦江 锦江区 510104 104.117022 30.598158 028 川A 2
湖北 湖北省 武汉 武汉市 洪山 洪山区 420111 114.343796 30.500247 027 鄂A 2
湖北 湖北省 武汉 武汉市 江汉 江汉区 420103 114.270871 30.60143 027 鄂A 2
湖南 湖南省 长沙 长沙市 岳麓 岳麓区 430104 112.93142 28.235193 0731 湘A 2
福建 福建省 厦门 厦门市 思明 思明区 350203 118.082611 24.445676 0592 闽D 2
福建 福建省 福州 福州市 鼓楼 鼓楼区 350102 119.303917 26.081983 0591 闽A 2
河北 河北省 石家庄 石家庄市 长安 长安区 130102 114.539395 38.036347 0311 冀A 2
辽宁 辽宁省 沈阳 沈阳市 和平 和平区 210102 123.420368 41.789833 024 辽A 2
辽宁 辽宁省 大连 大连市 中山 中山区 210202 121.644926 38.918574 0411 辽B 2
陕西 陕西省 西安 西安市 雁塔 雁塔区 610113 108.948565 34.222215 029 陕A 2
安徽 安徽省 合肥 合肥市 蜀山 蜀山区 340104 117.260536 31.851156 0551 皖A 2
江西 江西省 南昌 南昌市 东湖 东湖区 360102 115.903526 28.698731 0791 赣A 2
重庆 重庆市 重庆 重庆市 渝北 渝北区 500112 106.631187 29.718143 023 渝A 2
天津 天津市 天津 天津市 南开 南开区 120104 117.150738 39.138203 022 津A 2
云南 云南省 昆明 昆明市 五华 五华区 530102 102.707262 25.043635 0871 云A 2
广西 广西壮族自治区 南宁 南宁市 青秀 青秀区 450103 108.494024 22.785879 0771 桂A 2
黑龙江 黑龙江省 哈尔滨 哈尔滨市 南岗 南岗区 230103 126.669133 45.760174 0451 黑A 2
吉林 吉林省 长春 长春市 朝阳 朝阳区 220104 125.288319 43.833762 0431 吉A 2
贵州 贵州省 贵阳 贵阳市 观山湖 观山湖区 520115 106.622453 26.60145 0851 贵A 2
内蒙古 内蒙古自治区 呼和浩特 呼和浩特市 赛罕 赛罕区 150105 111.701856 40.792097 0471 蒙A 3
新疆 新疆维吾尔自治区 乌鲁木齐 乌鲁木齐市 天山 天山区 650102 87.631676 43.794399 0991 新A 3
甘肃 甘肃省 兰州 兰州市 城关 城关区 620102 103.825307 36.057464 0931 甘A 3
海南 海南省 海口 海口市 美兰 美兰区 460108 110.366358 20.029083 0898 琼A 2
"""
REGIONS: tuple[Region, ...] = tuple(
    Region(*row[:7], float(row[7]), float(row[8]), row[9], row[10], int(row[11]))
    for row in (line.split() for line in _REGION_TABLE.strip().splitlines())
)

PROVINCE_ABBR = {
    "山西": "晋",
    "北京": "京",
    "上海": "沪",
    "广东": "粤",
    "浙江": "浙",
    "江苏": "苏",
    "河南": "豫",
    "山东": "鲁",
    "四川": "川",
    "湖北": "鄂",
    "湖南": "湘",
    "福建": "闽",
    "河北": "冀",
    "辽宁": "辽",
    "陕西": "陕",
    "安徽": "皖",
    "江西": "赣",
    "重庆": "渝",
    "天津": "津",
    "云南": "云",
    "广西": "桂",
    "黑龙江": "黑",
    "吉林": "吉",
    "贵州": "黔",
    "内蒙古": "内",
    "新疆": "新",
    "甘肃": "甘",
    "海南": "琼",
}

# --------------------------------------------------------------------------------------------- categories
# sf: sources.md §1 names 50025969 住宅用房, 50025970 土地, 50025972 机动车; 50025971 and 50025976 are listed
# without a name: here 50025971 is 商业用房 and 50025976 其他 (equity, equipment, other).
# Value: (catNames, collateralCatName choices, kind)
SF_CATEGORIES: dict[int, tuple[str, tuple[str, ...], str]] = {
    50025969: ("房产", ("住宅用房",), "house"),
    50025970: ("土地", ("土地",), "land"),
    50025971: ("房产", ("商业用房", "工业用房"), "commercial"),
    50025972: ("机动车", ("机动车",), "vehicle"),
    50025976: ("其他", ("股权", "机器设备", "其他"), "other"),
}
SF_CATEGORY_WEIGHTS = (50, 10, 16, 14, 10)

ZC_CATEGORIES: dict[int, tuple[str, str]] = {
    56950002: ("房产", "house"),
    56972001: ("土地", "land"),
    56968001: ("机动车", "vehicle"),
    56956002: ("债权", "debt"),
    56950003: ("股权", "equity"),
    56936003: ("机器设备", "equipment"),
    56940002: ("其他资产", "other"),
}
ZC_CATEGORY_WEIGHTS = (16, 5, 8, 50, 8, 8, 5)

ZC_BIZ_TYPES = {
    1: "国有资产",
    2: "普通资产",
    4: "涉案资产",
    5: "涉公资产",
    6: "诉讼资产",
    7: "金融资产",
    8: "破产资产",
}

# --------------------------------------------------------------------------------------------- sellers

AMCS = (
    "中国信达资产管理股份有限公司",
    "中国中信金融资产管理股份有限公司",
    "中国长城资产管理股份有限公司",
    "中国东方资产管理股份有限公司",
)
LOCAL_AMCS = {
    "浙江": "浙江省浙商资产管理股份有限公司",
    "江苏": "江苏资产管理有限公司",
    "山东": "山东省金融资产管理股份有限公司",
    "广东": "广东粤财资产管理有限公司",
}
BANKS = (
    "中国工商银行股份有限公司",
    "中国农业银行股份有限公司",
    "中国银行股份有限公司",
    "中国建设银行股份有限公司",
    "交通银行股份有限公司",
    "招商银行股份有限公司",
    "兴业银行股份有限公司",
    "上海浦东发展银行股份有限公司",
)

# --------------------------------------------------------------------------------------------- words

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "建国",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "红梅",
    "国庆",
    "春生",
    "玉兰",
    "文博",
)
FIRM_WORDS = (
    "恒达",
    "鑫源",
    "华盛",
    "金泰",
    "宏远",
    "永昌",
    "天润",
    "德信",
    "瑞丰",
    "中和",
    "兴业",
    "广汇",
    "泰和",
    "鼎盛",
    "佳宁",
    "盛世",
    "东方",
    "龙腾",
    "汇丰",
    "嘉诚",
    "正阳",
    "万通",
    "福瑞",
    "晋发",
    "长青",
)
INDUSTRIES = (
    "房地产开发",
    "煤业",
    "建材",
    "商贸",
    "机械制造",
    "化工",
    "纺织",
    "物流",
    "实业",
    "农业科技",
    "建筑工程",
    "焦化",
    "食品",
    "新能源科技",
    "投资",
)
ROADS = (
    "解放路",
    "人民路",
    "中山路",
    "建设路",
    "河东街",
    "府西街",
    "工农路",
    "红旗街",
    "学苑路",
    "滨河路",
    "长江路",
    "黄河大道",
    "新华街",
    "东风路",
    "迎宾大道",
    "文化路",
    "胜利街",
    "体育路",
    "和平路",
    "机场路",
    "南环路",
    "北环路",
)
ESTATES = (
    "锦绣花园",
    "阳光小区",
    "幸福家园",
    "金色家园",
    "翠苑小区",
    "御景华庭",
    "世纪花园",
    "碧桂园",
    "万科城",
    "恒大名都",
    "盛世华庭",
    "龙湖天街",
    "绿城百合",
    "志高新城·凯旋首府",  # the real name, with its middle dot, from a lot on the 2018 sf home page
    "泰和苑",
    "东方明珠苑",
    "紫金城",
    "学府雅居",
)
VEHICLES = (
    ("丰田", "凯美瑞", "小型轿车"),
    ("大众", "帕萨特", "小型轿车"),
    ("本田", "雅阁", "小型轿车"),
    ("宝马", "X5", "小型越野客车"),
    ("奔驰", "E300L", "小型轿车"),
    ("别克", "GL8", "小型普通客车"),
    ("奥迪", "A6L", "小型轿车"),
    ("日产", "轩逸", "小型轿车"),
    ("解放", "J6P", "重型半挂牵引车"),
    ("东风", "天龙", "重型仓栅式货车"),
    ("哈弗", "H6", "小型越野客车"),
    ("比亚迪", "汉", "小型轿车"),
)
EQUIPMENT = (
    "数控机床",
    "注塑机",
    "锅炉设备",
    "生产线设备",
    "办公家具及电子设备",
    "发电机组",
    "起重机械",
    "制砖设备",
)
LAND_USES = ("住宅", "商服", "工业", "仓储")
DIRECTIONS = ("东", "南", "西", "北")
CASE_CAUSES = ("金融借款合同", "民间借贷", "买卖合同", "借款合同", "建设工程施工合同", "追偿权")
LITIGATION = ("已起诉未判决", "已判决", "执行中", "终结本次执行", "未诉讼")
REVOKE_REASONS = (
    "申请执行人撤回拍卖申请",
    "被执行人已履行完毕生效法律文书确定的义务",
    "案外人提出异议，依法撤回拍卖",
)
BREAK_REASONS = ("案外人对拍卖标的提出确有理由的异议", "申请执行人申请暂缓执行", "法院依法裁定中止拍卖")


def person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def firm(rng, region: Region) -> str:
    return f"{region.city}{rng.choice(FIRM_WORDS)}{rng.choice(INDUSTRIES)}有限公司"


@dataclass(frozen=True, slots=True)
class Court:
    name: str  # 山西省运城市中级人民法院
    short: str  # 运城市中级人民法院 (used in contact lines)
    path: str  # home on sf.taobao.com: "0359/01"
    case_code: str  # 晋08
    user_id: int
    address: str
    phone: str


@cache
def courts(region: Region) -> tuple[Court, Court]:
    """The intermediate and the basic-level court for a region (one object each, shared by every lot)."""
    if region.municipality:
        inter = f"{region.city_full}第{'一二三'[int(region.code[-1]) % 3]}中级人民法院"
        inter_short = inter
    else:
        inter = f"{region.province_full}{region.city_full}中级人民法院"
        inter_short = f"{region.city_full}中级人民法院"
    if region.code.endswith("00"):
        basic = f"{region.city_full}第一人民法院"
    elif region.district_full.endswith("区"):
        basic = f"{region.city_full}{region.district_full}人民法院"
    else:
        basic = f"{region.district_full}人民法院"
    out = []
    for name, short, nn, code in (
        (inter, inter_short, "01", region.code[2:4]),
        (basic, basic, region.code[-2:], region.code[2:6]),
    ):
        h = crc32(name.encode())
        digits = 8 if region.tier == 1 else 7
        out.append(
            Court(
                name=name,
                short=short,
                path=f"{region.area_code}/{nn}",
                case_code=region.abbr + code,
                user_id=2_000_000_000 + h % 900_000_000,
                address=f"{region.city_full}{region.district_full}{ROADS[h % len(ROADS)]}{h % 300 + 1}号",
                phone=f"{region.area_code}-{2 * 10 ** (digits - 1) + h % (7 * 10 ** (digits - 1))}",
            )
        )
    return out[0], out[1]
