//! The word lists the generator draws from: names, streets, subdivisions, building materials.
//!
//! Lists are `const` so every seed sees the same vocabulary; the seed only changes which words a
//! parcel gets. Owner inversion relies on SURNAMES and ENTITY_WORDS being free of duplicates and
//! on their lengths being coprime with the multiplier in `owner.rs` (checked by tests).

/// Family names (the first token of an individual owner, a joint owner or a family trust).
#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
    "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE",
    "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK",
    "RAMIREZ", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES",
    "NGUYEN", "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL", "RIVERA", "CAMPBELL",
    "MITCHELL", "CARTER", "ROBERTS", "GOMEZ", "PHILLIPS", "EVANS", "TURNER", "DIAZ", "PARKER",
    "CRUZ", "EDWARDS", "COLLINS", "REYES", "STEWART", "MORRIS", "MORALES", "MURPHY", "COOK",
    "ROGERS", "GUTIERREZ", "ORTIZ", "MORGAN", "COOPER", "PETERSON", "BAILEY", "REED", "KELLY",
    "HOWARD", "RAMOS", "KIM", "COX", "WARD", "RICHARDSON", "WATSON", "BROOKS", "CHAVEZ", "WOOD",
    "JAMES", "BENNETT", "GRAY", "MENDOZA", "RUIZ", "HUGHES", "PRICE", "ALVAREZ", "CASTILLO",
    "SANDERS", "PATEL", "MYERS", "LONG", "ROSS", "FOSTER", "JIMENEZ", "POWELL", "JENKINS", "PERRY",
    "RUSSELL", "SULLIVAN", "BELL", "COLEMAN", "BUTLER", "HENDERSON", "BARNES", "GONZALES", "FISHER",
    "VASQUEZ", "SIMMONS", "ROMERO", "JORDAN", "PATTERSON", "ALEXANDER", "HAMILTON", "GRAHAM",
    "REYNOLDS", "GRIFFIN", "WALLACE", "MORENO", "WEST", "COLE", "HAYES", "BRYANT", "HERRERA",
    "GIBSON", "ELLIS", "TRAN", "MEDINA", "AGUILAR", "STEVENS", "MURRAY", "FORD", "CASTRO",
    "MARSHALL", "OWENS", "HARRISON", "FERNANDEZ", "MCDONALD", "WOODS", "WASHINGTON", "KENNEDY",
    "WELLS", "VARGAS", "HENRY", "CHEN", "FREEMAN", "WEBB", "TUCKER", "GUZMAN", "BURNS", "CRAWFORD",
    "OLSON", "SIMPSON", "PORTER", "HUNTER", "GORDON", "MENDEZ", "SILVA", "SHAW", "SNYDER", "MASON",
    "DIXON", "MUNOZ", "HUNT", "HICKS", "HOLMES", "PALMER", "WAGNER", "BLACK", "ROBERTSON", "BOYD",
    "ROSE", "STONE", "SALAZAR", "FOX", "WARREN", "MILLS", "MEYER", "RICE", "SCHMIDT", "GARZA",
    "DANIELS", "FERGUSON", "NICHOLS", "STEPHENS", "SOTO", "WEAVER", "RYAN", "GARDNER", "PAYNE",
    "GRANT", "DUNN", "KELLEY", "SPENCER", "HAWKINS", "ARNOLD", "PIERCE", "VAZQUEZ", "HANSEN",
    "PETERS", "SANTOS", "HART", "BRADLEY", "KNIGHT", "ELLIOTT", "CUNNINGHAM", "DUNCAN", "ARMSTRONG",
    "HUDSON", "CARROLL", "LANE", "RILEY", "ANDREWS", "ALVARADO", "RAY", "DELGADO", "BERRY",
    "PERKINS", "HOFFMAN", "JOHNSTON", "MATTHEWS", "PENA", "RICHARDS", "CONTRERAS", "WILLIS",
    "CARPENTER", "LAWRENCE", "SANDOVAL", "GUERRERO", "GEORGE", "CHAPMAN", "RIOS", "ESTRADA",
    "ORTEGA", "WATKINS", "GREENE", "NUNEZ", "WHEELER", "VALDEZ", "HARPER", "BURKE", "LARSON",
    "SANTIAGO", "MALDONADO", "MORRISON", "FRANKLIN", "CARLSON", "AUSTIN", "DOMINGUEZ", "CARR",
    "LAWSON", "JACOBS", "OBRIEN", "LYNCH", "SINGH", "VEGA", "BISHOP", "MONTGOMERY", "OLIVER",
    "JENSEN", "HARVEY", "WILLIAMSON", "GILBERT", "CARDENAS", "WADE", "ALEXANDRE", "MOLINA",
    "ROSALES", "LUNA", "BECKER", "LINDSEY", "PADILLA", "SCHULTZ", "YAZZIE", "BEGAY", "TSOSIE",
    "BENALLY", "NAKAI", "HOLIDAY", "MCCARTHY", "FITZGERALD", "KOWALSKI", "NOVAK", "LARSEN",
    "PEDERSEN", "NAKAMURA", "TANAKA", "WONG", "NAVARRO", "ACOSTA", "FIGUEROA", "SERRANO", "DOMINGO",
    "QUINTERO", "OCHOA", "VALENZUELA", "ESPINOZA", "SOLIS", "ZAMORA", "BECK", "DOE",
];

/// Given names (the second token of an individual owner; the spouse's name after the slash).
#[rustfmt::skip]
pub const FIRST_NAMES: &[&str] = &[
    "JAMES", "MARY", "JOHN", "PATRICIA", "ROBERT", "JENNIFER", "MICHAEL", "LINDA", "WILLIAM",
    "ELIZABETH", "DAVID", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS", "SARAH",
    "CHARLES", "KAREN", "CHRISTOPHER", "LISA", "DANIEL", "NANCY", "MATTHEW", "BETTY", "ANTHONY",
    "MARGARET", "MARK", "SANDRA", "DONALD", "ASHLEY", "STEVEN", "KIMBERLY", "PAUL", "EMILY",
    "ANDREW", "DONNA", "JOSHUA", "MICHELLE", "KENNETH", "CAROL", "KEVIN", "AMANDA", "BRIAN",
    "DOROTHY", "GEORGE", "MELISSA", "TIMOTHY", "DEBORAH", "RONALD", "STEPHANIE", "EDWARD",
    "REBECCA", "JASON", "SHARON", "JEFFREY", "LAURA", "RYAN", "CYNTHIA", "JACOB", "KATHLEEN",
    "GARY", "AMY", "NICHOLAS", "ANGELA", "ERIC", "SHIRLEY", "JONATHAN", "ANNA", "STEPHEN", "BRENDA",
    "LARRY", "PAMELA", "JUSTIN", "EMMA", "SCOTT", "NICOLE", "BRANDON", "HELEN", "BENJAMIN",
    "SAMANTHA", "SAMUEL", "KATHERINE", "GREGORY", "CHRISTINE", "ALEXANDER", "DEBRA", "FRANK",
    "RACHEL", "PATRICK", "CAROLYN", "RAYMOND", "JANET", "JACK", "CATHERINE", "DENNIS", "MARIA",
    "JERRY", "HEATHER", "TYLER", "DIANE", "AARON", "RUTH", "JOSE", "JULIE", "ADAM", "OLIVIA",
    "NATHAN", "JOYCE", "HENRY", "VIRGINIA", "DOUGLAS", "VICTORIA", "ZACHARY", "KELLY", "PETER",
    "LAUREN", "KYLE", "CHRISTINA", "ETHAN", "JOAN", "WALTER", "EVELYN", "NOAH", "JUDITH", "JEREMY",
    "MEGAN", "CHRISTIAN", "ANDREA", "KEITH", "CHERYL", "ROGER", "HANNAH", "TERRY", "JACQUELINE",
    "GERALD", "MARTHA", "HAROLD", "GLORIA", "SEAN", "TERESA", "AUSTIN", "ANN", "CARL", "SARA",
    "ARTHUR", "MADISON", "LAWRENCE", "FRANCES", "DYLAN", "KATHRYN", "JESSE", "JANICE", "JORDAN",
    "JEAN", "BRYAN", "ABIGAIL", "BILLY", "ALICE", "JOE", "JUDY", "BRUCE", "SOPHIA", "GABRIEL",
    "GRACE", "LOGAN", "DENISE", "ALBERT", "AMBER", "WILLIE", "DORIS", "ALAN", "MARILYN", "JUAN",
    "DANIELLE", "WAYNE", "BEVERLY", "ELIJAH", "ISABELLA", "RANDY", "THERESA", "ROY", "DIANA",
    "VINCENT", "NATALIE", "RALPH", "BRITTANY", "EUGENE", "CHARLOTTE", "RUSSELL", "MARIE", "BOBBY",
    "KAYLA", "MASON", "ALEXIS", "PHILIP", "LORI", "LUIS", "ROSA", "CARLOS", "GUADALUPE", "MIGUEL",
    "CARMEN", "JESUS", "ELENA", "MANUEL", "YOLANDA", "FRANCISCO", "VERONICA",
];

/// Single-word company names; never surnames, so an owner query's first token picks one family.
#[rustfmt::skip]
pub const ENTITY_WORDS: &[&str] = &[
    "SAGUARO", "MESQUITE", "SONORAN", "CAMELBACK", "PINNACLE", "COPPER", "SUNRISE", "SUNSET",
    "CANYON", "MOUNTAINSIDE", "PALOVERDE", "OCOTILLO", "PHOENICIAN", "ARIZONA", "SOUTHWEST",
    "SUPERSTITION", "ESTRELLA", "APACHE", "SALTRIVER", "GILA", "TONTO", "MOGOLLON", "SUMMIT",
    "MERIDIAN", "KEYSTONE", "CORNERSTONE", "LANDMARK", "ZENITH", "AZURE", "CORONADO", "SIERRA",
    "ROADRUNNER", "QUAIL", "COYOTE", "JAVELINA", "FALCON", "EAGLECREST", "AGAVE", "YUCCA",
    "BLUESKY", "REDROCK", "GOLDFIELD", "CHAPARRAL", "VISTA", "MONARCH", "PIONEER", "FRONTIER",
    "TRAILHEAD",
];

/// The second word of a company name: "SAGUARO RIDGE HOLDINGS LLC".
pub const ENTITY_QUALIFIERS: &[&str] = &[
    "RIDGE", "CREEK", "VISTA", "PEAK", "VALLEY", "TRAIL", "SPRINGS", "POINTE", "CROSSING", "GROVE",
    "HILLS", "RANCH", "SKY", "STAR", "WEST", "EAST",
];

/// What follows an entity word: "SAGUARO HOLDINGS LLC".
pub const ENTITY_SUFFIXES: &[&str] = &[
    "HOLDINGS LLC",
    "PROPERTIES LLC",
    "INVESTMENTS LLC",
    "REAL ESTATE LP",
    "RENTALS LLC",
    "CAPITAL INC",
    "HOMES LLC",
    "PARTNERS LP",
];

/// Named streets; numbered ones ("29TH") are added by `ordinal` in the street table.
#[rustfmt::skip]
pub const STREET_NAMES: &[&str] = &[
    "WASHINGTON", "JEFFERSON", "VAN BUREN", "MCDOWELL", "INDIAN SCHOOL", "CAMELBACK",
    "BETHANY HOME", "NORTHERN", "DUNLAP", "CACTUS", "THUNDERBIRD", "BELL", "UNION HILLS",
    "BEARDSLEY", "BASELINE", "SOUTHERN", "BROADWAY", "ELLIOT", "WARNER", "RAY", "BUCKEYE",
    "LOWER BUCKEYE", "SMITH", "MCARTHUR", "EARLL", "COURTNEY", "PORT ROYALE", "CARIBBEAN",
    "COUNTRY CLUB", "AUBURN", "MISSOURI", "ADAM", "FARMDALE", "TURQUOISE", "CHERYL", "CINNABAR",
    "TRUMBULL", "STANDAGE", "PALM", "OSBORN", "CAMPBELL", "MARYLAND", "GLENROSA", "MONTEBELLO",
    "ORANGEWOOD", "GREENWAY", "SHEA", "CHOLLA", "MOUNTAIN VIEW", "HATCHER", "DESERT COVE",
    "SAGUARO", "OCOTILLO", "MESQUITE", "PALO VERDE", "IRONWOOD", "JUNIPER", "LIBERTY", "UNIVERSITY",
    "MAIN", "UNIVERSITY PARK", "FOOTHILL", "ROOSEVELT", "GRANT", "LINCOLN", "MONROE", "MADISON",
    "POLK", "TAYLOR", "HARRISON", "PIERCE", "FILLMORE", "HIGHLAND", "ROSE", "VIRGINIA", "ENCANTO",
    "HAZELWOOD", "DEVONSHIRE", "WHITTON", "PASADENA",
];

/// How many numbered streets ("1ST" … "70TH") the street table holds.
pub const NUMBERED_STREETS: u32 = 70;

pub const DIRECTIONS: &[&str] = &["N", "S", "E", "W"];

pub const STREET_TYPES: &[&str] = &["ST", "AVE", "DR", "RD", "LN", "PL", "WAY", "CT"];

/// "1ST", "2ND", "3RD", "4TH", "11TH", "21ST" …
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "TH",
        (1, _) => "ST",
        (2, _) => "ND",
        (3, _) => "RD",
        _ => "TH",
    };
    format!("{n}{suffix}")
}

/// First words of subdivision names.
pub const SUBDIVISION_HEADS: &[&str] = &[
    "DEER VILLAGE",
    "SHAMROCK",
    "PARADISE VALLEY",
    "DESERT SKY",
    "SUNNYSLOPE",
    "ARROWHEAD",
    "ENCANTO",
    "MOUNTAIN PARK",
    "ANTHEM",
    "VERRADO",
    "ESTRELLA",
    "COOPER COMMONS",
    "LAKES AT",
    "SUN LAKES",
    "TERRAVITA",
    "DESERT RIDGE",
    "ARCADIA",
    "CORONADO",
    "WILLO",
    "ROOSEVELT",
    "CAMELBACK COUNTRY",
    "SCOTTSDALE RANCH",
    "MCCORMICK RANCH",
    "OCOTILLO",
    "PALM VALLEY",
    "TRILOGY",
    "SIENNA HILLS",
    "COPPER CANYON",
    "QUAIL RUN",
    "CACTUS RIDGE",
    "GOLD CANYON",
    "CIMARRON",
    "SAGEWOOD",
    "DOBSON RANCH",
    "KNOLL",
    "LA JOLLA",
    "RANCHO",
    "SONORAN FOOTHILLS",
];

/// Last words of subdivision names.
pub const SUBDIVISION_TAILS: &[&str] = &[
    "ESTATES", "VILLAGE", "HEIGHTS", "OASIS", "RANCH", "MANOR", "PLACE", "PARK", "TERRACE",
    "HOMES", "GARDENS", "VISTAS",
];

pub const EXTERIOR_WALLS: &[&str] = &[
    "Fw - Frame Wood",
    "Bp - 8\" Painted Block",
    "Concrete Block, Slumpstone",
    "Fs - Frame Stucco",
    "Bs - Block Stucco",
    "Br - Brick",
];

pub const ROOF_TYPES: &[&str] = &[
    "Ct - Concrete Tile",
    "As - Asphalt",
    "Bu - Built Up",
    "Ms - Metal",
];

pub const QUALITY_GRADES: &[&str] = &["CLASS R2", "CLASS R3", "CLASS R3", "CLASS R4", "CLASS R5"];

pub const IMPROVEMENT_KINDS: &[&str] = &[
    "Loft",
    "Office Building",
    "Retail Store",
    "Storage Warehouse",
    "Light Industrial",
    "Restaurant",
    "Shed",
    "Canopy",
    "Parking Structure",
];

/// Out-of-county mailing addresses: (street name, city, state, ZIP).
pub const REMOTE_MAIL: &[(&str, &str, &str, &str)] = &[
    ("E COTTONWOOD LN", "CASA GRANDE", "AZ", "85122"),
    ("N FORT VALLEY RD", "FLAGSTAFF", "AZ", "86001"),
    ("E BROADWAY BLVD", "TUCSON", "AZ", "85711"),
    ("W SUNSET BLVD", "LOS ANGELES", "CA", "90026"),
    ("N LAKE SHORE DR", "CHICAGO", "IL", "60611"),
    ("E 17TH AVE", "DENVER", "CO", "80203"),
    ("S STATE ST", "SALT LAKE CITY", "UT", "84111"),
    ("NE BROADWAY ST", "PORTLAND", "OR", "97232"),
    ("W LAKE ST", "MINNEAPOLIS", "MN", "55408"),
    ("E CAMELBACK RD", "PHOENIX", "AZ", "85016"),
    ("N MAIN ST", "LAS VEGAS", "NV", "89101"),
    ("W 6TH ST", "AUSTIN", "TX", "78701"),
];
