//! The fixed world the synthetic organisation lives in: cities, the networks people sign
//! in from (each described in the organisation's `ipintel.csv`), name pools and the
//! third parties (agencies, look-alike vendors, payout platforms).
//!
//! Everything is invented or public reference data: city coordinates and time zones,
//! AS numbers of real carriers, the seized and sanctioned names bonafide ships.

/// A city people live in, travel to, or really work from.
#[derive(Debug)]
pub struct City {
    pub name: &'static str,
    /// State or province as written in addresses (`OH`), and its full name.
    pub region: &'static str,
    pub region_name: &'static str,
    /// ISO 3166-1 alpha-2, and the country's name as Okta writes it.
    pub country: &'static str,
    pub country_name: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub tz: &'static str,
    pub zip: &'static str,
    /// Telephone area code (US) or country calling code prefix.
    pub phone_prefix: &'static str,
    /// First two octets of the residential range (a /16) of the city's main carrier.
    pub net: (u8, u8),
    pub asn: u32,
    pub as_org: &'static str,
    pub isp_domain: &'static str,
}

#[allow(clippy::too_many_arguments)] // a table row, named by position in the table below
const fn city(
    name: &'static str,
    region: &'static str,
    region_name: &'static str,
    country: &'static str,
    country_name: &'static str,
    ll: (f64, f64),
    tz: &'static str,
    zip: &'static str,
    phone_prefix: &'static str,
    net: (u8, u8),
    carrier: (u32, &'static str, &'static str),
) -> City {
    City {
        name,
        region,
        region_name,
        country,
        country_name,
        lat: ll.0,
        lon: ll.1,
        tz,
        zip,
        phone_prefix,
        net,
        asn: carrier.0,
        as_org: carrier.1,
        isp_domain: carrier.2,
    }
}

const COMCAST: (u32, &str, &str) = (7922, "comcast cable communications llc", "comcast.net");
const CHARTER: (u32, &str, &str) = (11427, "charter communications", "rr.com");
const COX: (u32, &str, &str) = (22773, "cox communications", "cox.net");
const VERIZON: (u32, &str, &str) = (701, "verizon business", "verizon.net");
const ATT: (u32, &str, &str) = (7018, "at&t services", "att.net");

/// US cities where the organisation's people (say they) live. Index 0 is the head office.
pub const US: &[City] = &[
    city(
        "Columbus",
        "OH",
        "Ohio",
        "US",
        "United States",
        (39.9612, -82.9988),
        "America/New_York",
        "43215",
        "614",
        (73, 24),
        COMCAST,
    ),
    city(
        "Chicago",
        "IL",
        "Illinois",
        "US",
        "United States",
        (41.8781, -87.6298),
        "America/Chicago",
        "60601",
        "312",
        (98, 213),
        COMCAST,
    ),
    city(
        "Seattle",
        "WA",
        "Washington",
        "US",
        "United States",
        (47.6062, -122.3321),
        "America/Los_Angeles",
        "98101",
        "206",
        (76, 121),
        COMCAST,
    ),
    city(
        "Denver",
        "CO",
        "Colorado",
        "US",
        "United States",
        (39.7392, -104.9903),
        "America/Denver",
        "80202",
        "303",
        (71, 57),
        COMCAST,
    ),
    city(
        "Austin",
        "TX",
        "Texas",
        "US",
        "United States",
        (30.2672, -97.7431),
        "America/Chicago",
        "78701",
        "512",
        (70, 113),
        CHARTER,
    ),
    city(
        "Phoenix",
        "AZ",
        "Arizona",
        "US",
        "United States",
        (33.4484, -112.0740),
        "America/Phoenix",
        "85004",
        "602",
        (68, 104),
        COX,
    ),
    city(
        "Atlanta",
        "GA",
        "Georgia",
        "US",
        "United States",
        (33.7490, -84.3880),
        "America/New_York",
        "30303",
        "404",
        (73, 43),
        COMCAST,
    ),
    city(
        "Boston",
        "MA",
        "Massachusetts",
        "US",
        "United States",
        (42.3601, -71.0589),
        "America/New_York",
        "02108",
        "617",
        (73, 61),
        COMCAST,
    ),
    city(
        "New York",
        "NY",
        "New York",
        "US",
        "United States",
        (40.7128, -74.0060),
        "America/New_York",
        "10001",
        "212",
        (72, 229),
        VERIZON,
    ),
    city(
        "Dallas",
        "TX",
        "Texas",
        "US",
        "United States",
        (32.7767, -96.7970),
        "America/Chicago",
        "75201",
        "214",
        (99, 40),
        ATT,
    ),
    city(
        "Portland",
        "OR",
        "Oregon",
        "US",
        "United States",
        (45.5152, -122.6784),
        "America/Los_Angeles",
        "97201",
        "503",
        (73, 96),
        COMCAST,
    ),
    city(
        "Minneapolis",
        "MN",
        "Minnesota",
        "US",
        "United States",
        (44.9778, -93.2650),
        "America/Chicago",
        "55401",
        "612",
        (73, 65),
        COMCAST,
    ),
    city(
        "Raleigh",
        "NC",
        "North Carolina",
        "US",
        "United States",
        (35.7796, -78.6382),
        "America/New_York",
        "27601",
        "919",
        (66, 26),
        CHARTER,
    ),
    city(
        "San Diego",
        "CA",
        "California",
        "US",
        "United States",
        (32.7157, -117.1611),
        "America/Los_Angeles",
        "92101",
        "619",
        (68, 8),
        COX,
    ),
    city(
        "Nashville",
        "TN",
        "Tennessee",
        "US",
        "United States",
        (36.1627, -86.7816),
        "America/Chicago",
        "37201",
        "615",
        (73, 120),
        COMCAST,
    ),
    city(
        "Salt Lake City",
        "UT",
        "Utah",
        "US",
        "United States",
        (40.7608, -111.8910),
        "America/Denver",
        "84101",
        "801",
        (73, 63),
        COMCAST,
    ),
    city(
        "Springfield",
        "IL",
        "Illinois",
        "US",
        "United States",
        (39.7817, -89.6501),
        "America/Chicago",
        "62701",
        "217",
        (24, 14),
        COMCAST,
    ),
    city(
        "Jacksonville",
        "FL",
        "Florida",
        "US",
        "United States",
        (30.3322, -81.6557),
        "America/New_York",
        "32202",
        "904",
        (73, 141),
        COMCAST,
    ),
];

/// Cities abroad where some ordinary staff really live (and say so), or travel to.
pub const ABROAD: &[City] = &[
    city(
        "Tokyo",
        "13",
        "Tokyo",
        "JP",
        "Japan",
        (35.6762, 139.6503),
        "Asia/Tokyo",
        "100-0005",
        "+813",
        (126, 72),
        (2516, "kddi corporation", "dion.ne.jp"),
    ),
    city(
        "Seoul",
        "11",
        "Seoul",
        "KR",
        "South Korea",
        (37.5665, 126.9780),
        "Asia/Seoul",
        "04524",
        "+822",
        (121, 134),
        (4766, "korea telecom", "kt.co.kr"),
    ),
    city(
        "Singapore",
        "",
        "Singapore",
        "SG",
        "Singapore",
        (1.3521, 103.8198),
        "Asia/Singapore",
        "018989",
        "+65",
        (116, 86),
        (9506, "singtel fibre broadband", "singnet.com.sg"),
    ),
    city(
        "London",
        "",
        "England",
        "GB",
        "United Kingdom",
        (51.5074, -0.1278),
        "Europe/London",
        "EC1A 1BB",
        "+4420",
        (81, 2),
        (2856, "british telecommunications plc", "bt.com"),
    ),
];

/// Where operatives really are (public case locations): north-east China and the
/// Russian far east.
pub const HIDEOUTS: &[City] = &[
    city(
        "Shenyang",
        "LN",
        "Liaoning",
        "CN",
        "China",
        (41.8057, 123.4315),
        "Asia/Shanghai",
        "110000",
        "+8624",
        (175, 167),
        (4837, "china unicom", "chinaunicom.cn"),
    ),
    city(
        "Dandong",
        "LN",
        "Liaoning",
        "CN",
        "China",
        (40.1292, 124.3947),
        "Asia/Shanghai",
        "118000",
        "+86415",
        (175, 169),
        (4837, "china unicom", "chinaunicom.cn"),
    ),
    city(
        "Yanji",
        "JL",
        "Jilin",
        "CN",
        "China",
        (42.9048, 129.5136),
        "Asia/Shanghai",
        "133000",
        "+86433",
        (175, 171),
        (4837, "china unicom", "chinaunicom.cn"),
    ),
    city(
        "Vladivostok",
        "PRI",
        "Primorsky Krai",
        "RU",
        "Russia",
        (43.1155, 131.8855),
        "Asia/Vladivostok",
        "690000",
        "+74232",
        (95, 167),
        (12389, "rostelecom", "rt.ru"),
    ),
];

/// A VPN, proxy or hosting exit: the IP's place is the exit's, not the person's.
#[derive(Debug)]
pub struct Exit {
    pub label: &'static str,
    pub kind: &'static str,
    /// First three octets of a /24.
    pub net: (u8, u8, u8),
    pub city: &'static City,
    pub asn: u32,
    pub as_org: &'static str,
}

/// Commercial VPN exits. Astrill is the scheme's favourite; the others are what privacy-
/// minded employees use too.
pub const EXITS: &[Exit] = &[
    Exit { label: "Astrill", kind: "vpn", net: (104, 194, 220), city: &US[13], asn: 9009, as_org: "m247 ltd" },
    Exit { label: "Astrill", kind: "vpn", net: (185, 246, 208), city: &US[8], asn: 9009, as_org: "m247 ltd" },
    Exit {
        label: "NordVPN",
        kind: "vpn",
        net: (89, 187, 160),
        city: &ABROAD[3],
        asn: 60068,
        as_org: "datacamp limited",
    },
    Exit { label: "NordVPN", kind: "vpn", net: (89, 187, 161), city: &US[1], asn: 60068, as_org: "datacamp limited" },
    Exit { label: "ProtonVPN", kind: "vpn", net: (146, 70, 174), city: &US[9], asn: 9009, as_org: "m247 ltd" },
    Exit { label: "Mullvad", kind: "vpn", net: (198, 54, 128), city: &US[2], asn: 212238, as_org: "datacamp limited" },
];

/// Indices into [`EXITS`] of the scheme's own VPN (Astrill), and of privacy VPNs.
pub const ASTRILL: &[usize] = &[0, 1];
pub const PRIVACY_VPN: &[usize] = &[2, 3, 4, 5];

/// The organisation's office egress (Columbus head office).
pub const OFFICE_NET: (u8, u8, u8) = (12, 150, 44);
pub const OFFICE_ADDRESS: (&str, &str) = ("55 E Long St", "Suite 400");
/// A US mobile carrier's /16 (field staff).
pub const MOBILE_NET: (u8, u8) = (172, 58);

pub const ORG_NAME: &str = "Northwind";
pub const ORG_DOMAIN: &str = "northwind.example";

/// First names and surnames by origin. Operatives and ordinary staff draw from the same
/// pools with the same odds, so a name says nothing about being an operative.
pub const FIRST: &[&[&str]] = &[
    &[
        "James",
        "Mary",
        "Robert",
        "Patricia",
        "John",
        "Jennifer",
        "Michael",
        "Linda",
        "David",
        "Elizabeth",
        "William",
        "Susan",
        "Richard",
        "Jessica",
        "Thomas",
        "Sarah",
        "Daniel",
        "Karen",
        "Matthew",
        "Emily",
        "Andrew",
        "Olivia",
        "Ryan",
        "Hannah",
    ],
    &["Carlos", "Maria", "Jose", "Ana", "Luis", "Sofia", "Miguel", "Lucia", "Diego", "Camila", "Javier", "Valentina"],
    &["Priya", "Rahul", "Anjali", "Vikram", "Deepa", "Arjun", "Neha", "Sanjay", "Kavya", "Rohan"],
    &["Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Dong-hyun", "Ji-woo", "Sung-min", "Eun-ji", "Hyun-woo", "Soo-ah"],
    &["Wei", "Jing", "Hao", "Li", "Yan", "Jun", "Xiu", "Ming", "Lei", "Fang"],
    &["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina"],
    &["Minh", "Linh", "Tuan", "Thu", "Anh", "Huong"],
];
pub const LAST: &[&[&str]] = &[
    &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
        "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young",
        "Allen", "Wright",
    ],
    &["Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez", "Torres"],
    &["Patel", "Sharma", "Nair", "Reddy", "Iyer", "Gupta", "Rao", "Menon"],
    &["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
    &["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"],
    &["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"],
    &["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
];
/// How common each origin is in the organisation (same for everyone).
pub const ORIGIN_WEIGHTS: &[u32] = &[52, 14, 10, 8, 8, 4, 4];
/// Origins whose names are Korean or Chinese (truth records them as a confounder kind,
/// the test that bonafide does not score by name).
pub const KOREAN_OR_CHINESE: &[usize] = &[3, 4];

pub const STREETS: &[&str] = &[
    "Maple Avenue",
    "Oak Street",
    "Pine Street",
    "Cedar Lane",
    "Elm Street",
    "Washington Avenue",
    "Lake Drive",
    "Hillcrest Road",
    "Park Avenue",
    "Sunset Boulevard",
    "River Road",
    "Highland Avenue",
    "Church Street",
    "Main Street",
    "Chestnut Street",
    "Willow Way",
    "Meadow Lane",
    "Forest Drive",
];

/// Legitimate staffing agencies and their real domains.
pub const AGENCIES: &[(&str, &str)] = &[
    ("Robert Half", "roberthalf.com"),
    ("Kforce", "kforce.com"),
    ("TEKsystems", "teksystems.com"),
    ("Randstad", "randstad.com"),
];

/// Vendors of the scheme: look-alikes of the real agencies, seized domains, and the names
/// of sanctioned fronts (see `crates/intel/data/published.toml`).
pub const BAD_VENDORS: &[(&str, &str)] = &[
    ("Robert Haif Staffing", "roberthaif.com"),
    ("TekSystem Global", "teksystemss.com"),
    ("Silver Star Network", "silverstarchina.com"),
    ("Xinlu Soft", "xinlusoft.com"),
    ("Yanbian Silverstar Network Technology Co., Ltd.", "yanbian-silverstar.example"),
    ("Volasys Silver Star", "volasys.example"),
];

/// Free mail providers.
pub const FREE_MAIL: &[&str] = &["gmail.com", "outlook.com", "yahoo.com", "proton.me"];

/// A digital-currency address on OFAC's SDN list (Lazarus Group, DPRK3; public).
pub const SDN_WALLET: (&str, &str) = ("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "ETH");

pub const ROLES: &[(&str, &str)] = &[
    ("Backend Engineer", "Engineering"),
    ("Frontend Developer", "Engineering"),
    ("Full-stack Developer", "Engineering"),
    ("Mobile Developer", "Engineering"),
    ("DevOps Engineer", "Engineering"),
    ("Data Engineer", "Engineering"),
    ("QA Engineer", "Engineering"),
    ("Product Designer", "Product"),
    ("Product Manager", "Product"),
    ("Accountant", "Finance"),
    ("Account Executive", "Sales"),
    ("Support Engineer", "Support"),
    ("Recruiter", "People"),
];

pub const SKILLS: &[&str] = &[
    "Rust",
    "Go",
    "Python",
    "TypeScript",
    "React",
    "Node.js",
    "Kubernetes",
    "Terraform",
    "PostgreSQL",
    "AWS",
    "GCP",
    "Java",
    "Kotlin",
    "Swift",
    "Flutter",
    "Django",
    "Spark",
    "Airflow",
    "GraphQL",
    "Redis",
];
pub const EMPLOYERS: &[&str] = &[
    "Initech",
    "Globex",
    "Umbrella Analytics",
    "Hooli",
    "Vandelay Industries",
    "Stark Logistics",
    "Wayne Data",
    "Acme Software",
    "Soylent Systems",
    "Cyberdyne Labs",
    "Tyrell Cloud",
    "Wonka Digital",
];

/// Great-circle distance in km.
pub fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// `ipintel.csv` describing every network of the world.
pub fn ipintel_csv() -> String {
    let mut out = String::from("cidr,kind,asn,as_org,country,region,city,latitude,longitude,label\n");
    let mut row = |cidr: String, kind: &str, asn: u32, org: &str, c: &City, label: &str| {
        out.push_str(&format!(
            "{cidr},{kind},{asn},\"{org}\",{},\"{}\",\"{}\",{},{},\"{label}\"\n",
            c.country, c.region_name, c.name, c.lat, c.lon
        ));
    };
    for c in US.iter().chain(ABROAD).chain(HIDEOUTS) {
        row(format!("{}.{}.0.0/16", c.net.0, c.net.1), "residential", c.asn, c.as_org, c, "");
    }
    for e in EXITS {
        row(format!("{}.{}.{}.0/24", e.net.0, e.net.1, e.net.2), e.kind, e.asn, e.as_org, e.city, e.label);
    }
    let (a, b, c) = OFFICE_NET;
    row(format!("{a}.{b}.{c}.0/24"), "corporate", 7018, "at&t services", &US[0], "Northwind HQ egress");
    row(format!("{}.{}.0.0/16", MOBILE_NET.0, MOBILE_NET.1), "mobile", 21928, "t-mobile usa", &US[9], "T-Mobile");
    out
}

const NEUTRAL_A: &[&str] = &[
    "Ash", "Bram", "Cor", "Dal", "Ever", "Fen", "Gil", "Hale", "Ire", "Jas", "Kel", "Lor", "Mar", "Nor", "Orr", "Pell",
    "Quin", "Ros", "Sel", "Tam",
];
const NEUTRAL_B: &[&str] = &["ford", "by", "wick", "ton", "mere", "dale", "well", "holt"];

/// The invented name standing one for one for `name` of `pools` (distinct names map to
/// distinct inventions; 160 are available, more than the pools hold).
pub fn neutral(pools: &[&[&'static str]], name: &str) -> &'static str {
    let mut seen: Vec<&str> = Vec::new();
    for n in pools.iter().flat_map(|p| p.iter()) {
        if !seen.contains(n) {
            seen.push(n);
        }
    }
    let i = seen.iter().position(|n| *n == name).unwrap_or(0);
    let (a, b) = (i % NEUTRAL_A.len(), (i / NEUTRAL_A.len()) % NEUTRAL_B.len());
    NEUTRAL[a * NEUTRAL_B.len() + b]
}

/// Every NEUTRAL_A × NEUTRAL_B combination (row-major).
const NEUTRAL: &[&str] = &[
    "Ashford", "Ashby", "Ashwick", "Ashton", "Ashmere", "Ashdale", "Ashwell", "Ashholt", "Bramford", "Bramby",
    "Bramwick", "Bramton", "Brammere", "Bramdale", "Bramwell", "Bramholt", "Corford", "Corby", "Corwick", "Corton",
    "Cormere", "Cordale", "Corwell", "Corholt", "Dalford", "Dalby", "Dalwick", "Dalton", "Dalmere", "Daldale",
    "Dalwell", "Dalholt", "Everford", "Everby", "Everwick", "Everton", "Evermere", "Everdale", "Everwell", "Everholt",
    "Fenford", "Fenby", "Fenwick", "Fenton", "Fenmere", "Fendale", "Fenwell", "Fenholt", "Gilford", "Gilby", "Gilwick",
    "Gilton", "Gilmere", "Gildale", "Gilwell", "Gilholt", "Haleford", "Haleby", "Halewick", "Haleton", "Halemere",
    "Haledale", "Halewell", "Haleholt", "Ireford", "Ireby", "Irewick", "Ireton", "Iremere", "Iredale", "Irewell",
    "Ireholt", "Jasford", "Jasby", "Jaswick", "Jaston", "Jasmere", "Jasdale", "Jaswell", "Jasholt", "Kelford", "Kelby",
    "Kelwick", "Kelton", "Kelmere", "Keldale", "Kelwell", "Kelholt", "Lorford", "Lorby", "Lorwick", "Lorton",
    "Lormere", "Lordale", "Lorwell", "Lorholt", "Marford", "Marby", "Marwick", "Marton", "Marmere", "Mardale",
    "Marwell", "Marholt", "Norford", "Norby", "Norwick", "Norton", "Normere", "Nordale", "Norwell", "Norholt",
    "Orrford", "Orrby", "Orrwick", "Orrton", "Orrmere", "Orrdale", "Orrwell", "Orrholt", "Pellford", "Pellby",
    "Pellwick", "Pellton", "Pellmere", "Pelldale", "Pellwell", "Pellholt", "Quinford", "Quinby", "Quinwick", "Quinton",
    "Quinmere", "Quindale", "Quinwell", "Quinholt", "Rosford", "Rosby", "Roswick", "Roston", "Rosmere", "Rosdale",
    "Roswell", "Rosholt", "Selford", "Selby", "Selwick", "Selton", "Selmere", "Seldale", "Selwell", "Selholt",
    "Tamford", "Tamby", "Tamwick", "Tamton", "Tammere", "Tamdale", "Tamwell", "Tamholt",
];
