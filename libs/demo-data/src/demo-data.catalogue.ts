/**
 * The fictional supplier behind the demo data ("Kantoorpartners", an office and facility wholesaler selling to
 * businesses in the Netherlands and Flanders): its products, staff, campaigns and the vocabulary its people use.
 * Every company and person name is a random combination of common words and names; e-mail addresses use the
 * reserved `.example` top-level domain (RFC 2606), so nothing points at a real mailbox.
 */
import type { CompanySize, Department, DmuRole, SalesRole } from '@klantcentraal/domain';

export const SUPPLIER_SITE = 'https://www.kantoorpartners.example';

// ---------------------------------------------------------------------------------------------------------------
// Products: 42 SKUs in 8 categories. Equipment is bought now and then; consumables and services follow it.

export const PRODUCT_CATEGORIES = [
  'printers',
  'print-supplies',
  'paper',
  'laptops',
  'it-accessories',
  'furniture',
  'coffee',
  'services',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export type Product = Readonly<{
  sku: string;
  name: string;
  category: ProductCategory;
  /** List price in euro cents (integers, so totals add up exactly). */
  priceCents: number;
  /** Equipment anchors a basket; consumables are re-ordered. */
  kind: 'equipment' | 'consumable' | 'service';
}>;

const p = (sku: string, name: string, category: ProductCategory, priceCents: number, kind: Product['kind']): Product =>
  ({ sku, name, category, priceCents, kind });

export const PRODUCTS: readonly Product[] = [
  p('PRN-MFP-A4', 'Multifunctional A4 kleur', 'printers', 64900, 'equipment'),
  p('PRN-MFP-A3', 'Multifunctional A3 kleur', 'printers', 245000, 'equipment'),
  p('PRN-LASER-MONO', 'Laserprinter zwart-wit', 'printers', 32900, 'equipment'),
  p('PRN-LABEL', 'Labelprinter', 'printers', 18900, 'equipment'),
  p('PRN-WIDE', 'Grootformaat plotter', 'printers', 389000, 'equipment'),
  p('TON-MFP-A4-BK', 'Toner zwart MFP A4', 'print-supplies', 8950, 'consumable'),
  p('TON-MFP-A4-CLR', 'Tonerset kleur MFP A4', 'print-supplies', 23900, 'consumable'),
  p('TON-MFP-A3-BK', 'Toner zwart MFP A3', 'print-supplies', 12900, 'consumable'),
  p('TON-MFP-A3-CLR', 'Tonerset kleur MFP A3', 'print-supplies', 34900, 'consumable'),
  p('TON-LASER-MONO', 'Toner laserprinter', 'print-supplies', 6995, 'consumable'),
  p('LBL-ROLL', 'Etiketrollen (10 st.)', 'print-supplies', 1495, 'consumable'),
  p('PAP-A4-80', 'Papier A4 80 g (doos 5 pakken)', 'paper', 2495, 'consumable'),
  p('PAP-A4-RECY', 'Gerecycled papier A4 (doos)', 'paper', 2750, 'consumable'),
  p('PAP-A3-80', 'Papier A3 80 g (doos)', 'paper', 3200, 'consumable'),
  p('PAP-ENV-C4', 'Enveloppen C4 (250 st.)', 'paper', 1850, 'consumable'),
  p('PAP-PLOT-ROLL', 'Plotterpapier rol', 'paper', 5900, 'consumable'),
  p('LAP-14-BIZ', 'Zakelijke laptop 14"', 'laptops', 114900, 'equipment'),
  p('LAP-16-PRO', 'Werkstation laptop 16"', 'laptops', 189900, 'equipment'),
  p('LAP-13-ULTRA', 'Ultrabook 13"', 'laptops', 149900, 'equipment'),
  p('DSK-MINI', 'Mini-pc', 'laptops', 79900, 'equipment'),
  p('TAB-11', 'Tablet 11"', 'laptops', 54900, 'equipment'),
  p('ACC-DOCK-USBC', 'USB-C dockingstation', 'it-accessories', 21900, 'consumable'),
  p('ACC-MON-27', 'Monitor 27"', 'it-accessories', 32900, 'consumable'),
  p('ACC-HEADSET', 'Headset met ruisonderdrukking', 'it-accessories', 12900, 'consumable'),
  p('ACC-KB-MOUSE', 'Toetsenbord en muis draadloos', 'it-accessories', 5900, 'consumable'),
  p('ACC-MON-ARM', 'Monitorarm', 'it-accessories', 8900, 'consumable'),
  p('ACC-WEBCAM', 'Webcam HD', 'it-accessories', 9900, 'consumable'),
  p('FUR-DESK-SITSTAND', 'Zit-sta bureau', 'furniture', 74900, 'equipment'),
  p('FUR-CHAIR-ERGO', 'Ergonomische bureaustoel', 'furniture', 42900, 'equipment'),
  p('FUR-CABINET', 'Roldeurkast', 'furniture', 31900, 'equipment'),
  p('FUR-MEETING-TABLE', 'Vergadertafel', 'furniture', 129000, 'equipment'),
  p('FUR-SCREEN', 'Akoestische scheidingswand', 'furniture', 27900, 'equipment'),
  p('COF-MACHINE-BEAN', 'Bonenautomaat', 'coffee', 289000, 'equipment'),
  p('COF-BEANS-1KG', 'Koffiebonen 1 kg', 'coffee', 2150, 'consumable'),
  p('COF-MILK-POWDER', 'Melkpoeder', 'coffee', 995, 'consumable'),
  p('COF-CUPS-1000', 'Bekers (1000 st.)', 'coffee', 3400, 'consumable'),
  p('COF-TEA-ASSORTI', 'Thee assortiment', 'coffee', 1250, 'consumable'),
  p('SRV-PRINT-CARE', 'Onderhoudscontract printer (1 jaar)', 'services', 39000, 'service'),
  p('SRV-LAPTOP-WARRANTY', 'Garantie-uitbreiding 3 jaar', 'services', 14900, 'service'),
  p('SRV-INSTALL', 'Installatie op locatie', 'services', 17500, 'service'),
  p('SRV-COFFEE-MAINT', 'Onderhoud koffieautomaat (1 jaar)', 'services', 29000, 'service'),
  p('SRV-DEPLOY', 'Uitrol en inrichting per apparaat', 'services', 4500, 'service'),
];

export const PRODUCT_BY_SKU: ReadonlyMap<string, Product> = new Map(PRODUCTS.map((product) => [product.sku, product]));

/** How a complement's quantity follows the anchor's: `per-unit` × anchor quantity, `refill` a few per unit, `one`. */
export type Complement = Readonly<{ sku: string; p: number; qty: 'per-unit' | 'refill' | 'one' | 'bulk' }>;

/** Bought together: anchor SKU → complements with their probability (what basket analysis should find). */
export const COMPLEMENTS: Readonly<Record<string, readonly Complement[]>> = {
  'PRN-MFP-A4': [
    { sku: 'TON-MFP-A4-BK', p: 0.85, qty: 'refill' },
    { sku: 'PAP-A4-80', p: 0.6, qty: 'bulk' },
    { sku: 'TON-MFP-A4-CLR', p: 0.45, qty: 'per-unit' },
    { sku: 'SRV-PRINT-CARE', p: 0.35, qty: 'per-unit' },
    { sku: 'SRV-INSTALL', p: 0.25, qty: 'one' },
  ],
  'PRN-MFP-A3': [
    { sku: 'TON-MFP-A3-BK', p: 0.85, qty: 'refill' },
    { sku: 'SRV-PRINT-CARE', p: 0.6, qty: 'per-unit' },
    { sku: 'SRV-INSTALL', p: 0.55, qty: 'one' },
    { sku: 'TON-MFP-A3-CLR', p: 0.55, qty: 'per-unit' },
    { sku: 'PAP-A3-80', p: 0.5, qty: 'bulk' },
  ],
  'PRN-LASER-MONO': [
    { sku: 'TON-LASER-MONO', p: 0.9, qty: 'refill' },
    { sku: 'PAP-A4-80', p: 0.6, qty: 'bulk' },
  ],
  'PRN-LABEL': [{ sku: 'LBL-ROLL', p: 0.95, qty: 'refill' }],
  'PRN-WIDE': [
    { sku: 'PAP-PLOT-ROLL', p: 0.9, qty: 'refill' },
    { sku: 'SRV-INSTALL', p: 0.7, qty: 'one' },
    { sku: 'SRV-PRINT-CARE', p: 0.4, qty: 'per-unit' },
  ],
  'LAP-14-BIZ': [
    { sku: 'ACC-DOCK-USBC', p: 0.65, qty: 'per-unit' },
    { sku: 'SRV-LAPTOP-WARRANTY', p: 0.5, qty: 'per-unit' },
    { sku: 'ACC-MON-27', p: 0.45, qty: 'per-unit' },
    { sku: 'ACC-KB-MOUSE', p: 0.4, qty: 'per-unit' },
    { sku: 'ACC-HEADSET', p: 0.3, qty: 'per-unit' },
  ],
  'LAP-16-PRO': [
    { sku: 'ACC-DOCK-USBC', p: 0.7, qty: 'per-unit' },
    { sku: 'ACC-MON-27', p: 0.6, qty: 'per-unit' },
    { sku: 'SRV-LAPTOP-WARRANTY', p: 0.55, qty: 'per-unit' },
    { sku: 'SRV-DEPLOY', p: 0.3, qty: 'per-unit' },
  ],
  'LAP-13-ULTRA': [
    { sku: 'ACC-DOCK-USBC', p: 0.6, qty: 'per-unit' },
    { sku: 'ACC-HEADSET', p: 0.45, qty: 'per-unit' },
    { sku: 'SRV-LAPTOP-WARRANTY', p: 0.45, qty: 'per-unit' },
    { sku: 'SRV-DEPLOY', p: 0.3, qty: 'per-unit' },
  ],
  'DSK-MINI': [
    { sku: 'ACC-MON-27', p: 0.8, qty: 'per-unit' },
    { sku: 'ACC-KB-MOUSE', p: 0.75, qty: 'per-unit' },
    { sku: 'ACC-WEBCAM', p: 0.35, qty: 'per-unit' },
    { sku: 'SRV-DEPLOY', p: 0.3, qty: 'per-unit' },
  ],
  'TAB-11': [
    { sku: 'SRV-LAPTOP-WARRANTY', p: 0.4, qty: 'per-unit' },
    { sku: 'ACC-HEADSET', p: 0.25, qty: 'per-unit' },
  ],
  'FUR-DESK-SITSTAND': [
    { sku: 'FUR-CHAIR-ERGO', p: 0.7, qty: 'per-unit' },
    { sku: 'ACC-MON-ARM', p: 0.5, qty: 'per-unit' },
    { sku: 'FUR-SCREEN', p: 0.25, qty: 'one' },
    { sku: 'SRV-INSTALL', p: 0.2, qty: 'one' },
  ],
  'FUR-CHAIR-ERGO': [{ sku: 'FUR-DESK-SITSTAND', p: 0.3, qty: 'per-unit' }],
  'FUR-CABINET': [{ sku: 'FUR-SCREEN', p: 0.2, qty: 'one' }],
  'FUR-MEETING-TABLE': [
    { sku: 'FUR-CHAIR-ERGO', p: 0.6, qty: 'bulk' },
    { sku: 'FUR-SCREEN', p: 0.4, qty: 'one' },
    { sku: 'ACC-WEBCAM', p: 0.3, qty: 'one' },
  ],
  'FUR-SCREEN': [{ sku: 'FUR-DESK-SITSTAND', p: 0.2, qty: 'per-unit' }],
  'COF-MACHINE-BEAN': [
    { sku: 'COF-BEANS-1KG', p: 0.95, qty: 'bulk' },
    { sku: 'COF-MILK-POWDER', p: 0.7, qty: 'bulk' },
    { sku: 'SRV-COFFEE-MAINT', p: 0.6, qty: 'per-unit' },
    { sku: 'COF-CUPS-1000', p: 0.55, qty: 'refill' },
  ],
  // Re-orders of consumables have their own habits.
  'TON-MFP-A4-BK': [
    { sku: 'PAP-A4-80', p: 0.55, qty: 'bulk' },
    { sku: 'TON-MFP-A4-CLR', p: 0.35, qty: 'one' },
  ],
  'TON-MFP-A3-BK': [
    { sku: 'TON-MFP-A3-CLR', p: 0.45, qty: 'one' },
    { sku: 'PAP-A3-80', p: 0.4, qty: 'bulk' },
    { sku: 'PAP-A4-80', p: 0.4, qty: 'bulk' },
  ],
  'TON-LASER-MONO': [{ sku: 'PAP-A4-80', p: 0.6, qty: 'bulk' }],
  'PAP-A4-80': [
    { sku: 'PAP-ENV-C4', p: 0.3, qty: 'refill' },
    { sku: 'PAP-A4-RECY', p: 0.15, qty: 'bulk' },
  ],
  'COF-BEANS-1KG': [
    { sku: 'COF-MILK-POWDER', p: 0.6, qty: 'bulk' },
    { sku: 'COF-CUPS-1000', p: 0.4, qty: 'refill' },
    { sku: 'COF-TEA-ASSORTI', p: 0.35, qty: 'refill' },
  ],
  'ACC-MON-27': [
    { sku: 'ACC-MON-ARM', p: 0.45, qty: 'per-unit' },
    { sku: 'ACC-DOCK-USBC', p: 0.3, qty: 'per-unit' },
  ],
  'ACC-HEADSET': [{ sku: 'ACC-WEBCAM', p: 0.3, qty: 'per-unit' }],
};

/** Product lines a customer can be interested in: the equipment that starts them and the re-orders that follow. */
export type Interest = Readonly<{
  name: string;
  equipment: readonly (readonly [string, number])[];
  reorders: readonly (readonly [string, number])[];
  pages: readonly string[];
}>;

export const INTERESTS: readonly Interest[] = [
  {
    name: 'print',
    equipment: [['PRN-MFP-A4', 5], ['PRN-LASER-MONO', 3], ['PRN-MFP-A3', 2], ['PRN-LABEL', 1], ['PRN-WIDE', 0.5]],
    reorders: [['TON-MFP-A4-BK', 4], ['PAP-A4-80', 5], ['TON-LASER-MONO', 2], ['TON-MFP-A3-BK', 2], ['LBL-ROLL', 1]],
    pages: ['/producten/printers', '/producten/toner', '/producten/papier', '/service/printonderhoud'],
  },
  {
    name: 'it',
    equipment: [['LAP-14-BIZ', 5], ['LAP-13-ULTRA', 2], ['LAP-16-PRO', 2], ['DSK-MINI', 2], ['TAB-11', 1]],
    reorders: [['ACC-HEADSET', 3], ['ACC-MON-27', 3], ['ACC-KB-MOUSE', 2], ['ACC-DOCK-USBC', 2], ['ACC-WEBCAM', 1]],
    pages: ['/producten/laptops', '/producten/monitoren', '/producten/accessoires', '/service/uitrol'],
  },
  {
    name: 'furniture',
    equipment: [['FUR-DESK-SITSTAND', 4], ['FUR-CHAIR-ERGO', 4], ['FUR-CABINET', 1], ['FUR-MEETING-TABLE', 1], ['FUR-SCREEN', 1]],
    reorders: [['FUR-CHAIR-ERGO', 3], ['ACC-MON-ARM', 2], ['FUR-SCREEN', 1]],
    pages: ['/producten/bureaus', '/producten/stoelen', '/inspiratie/hybride-werken'],
  },
  {
    name: 'coffee',
    equipment: [['COF-MACHINE-BEAN', 1]],
    reorders: [['COF-BEANS-1KG', 6], ['COF-CUPS-1000', 2], ['COF-TEA-ASSORTI', 1], ['COF-MILK-POWDER', 1]],
    pages: ['/producten/koffie', '/producten/koffieautomaten', '/service/koffieonderhoud'],
  },
];

export const GENERAL_PAGES = ['/', '/prijzen', '/contact', '/over-ons', '/blog/duurzaam-printen', '/blog/hybride-werkplek', '/klantenservice'];

// ---------------------------------------------------------------------------------------------------------------
// Staff. Account managers u-1 … u-25 by sales role; the other departments' people record their own touchpoints.

export const ACCOUNT_MANAGERS: readonly (readonly [string, SalesRole])[] = Array.from({ length: 25 }, (_, i) => {
  const n = i + 1;
  const role: SalesRole =
    n <= 6
      ? 'inside-sales'
      : n <= 11
        ? 'junior-account-manager'
        : n <= 17
          ? 'account-manager'
          : n <= 22
            ? 'senior-account-manager'
            : 'key-account-manager';
  return [`u-${n}`, role] as const;
});

/** Which sales function serves a customer of this size (size × complexity in the textbook). */
export const SALES_ROLE_BY_SIZE: Readonly<Record<CompanySize, readonly (readonly [SalesRole, number])[]>> = {
  small: [['inside-sales', 7], ['junior-account-manager', 3]],
  medium: [['junior-account-manager', 4], ['account-manager', 6]],
  large: [['account-manager', 5], ['senior-account-manager', 5]],
  enterprise: [['key-account-manager', 7], ['senior-account-manager', 3]],
};

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `u-${from + i}`);

/** The departments whose people record touchpoints in the demo (no HRM touchpoints with customers). */
export type StaffDepartment = Exclude<Department, 'hrm'>;

export const STAFF: Readonly<Record<StaffDepartment, readonly string[]>> = {
  'marketing-sales': range(26, 29), // marketing team: campaigns, web analytics, surveys
  operations: range(31, 34), // order desk
  service: range(35, 40), // customer service desk
  'outbound-logistics': range(41, 44),
  'inbound-logistics': range(45, 46), // returns
  technology: range(47, 49), // technical service
  infrastructure: range(50, 51), // finance
  procurement: range(52, 53),
};

// ---------------------------------------------------------------------------------------------------------------
// Companies and people.

export const INDUSTRIES: readonly (readonly [string, number, readonly string[]])[] = [
  ['construction', 3, ['Bouw', 'Bouwgroep', 'Aannemersbedrijf', 'Installatietechniek', 'Dakwerken']],
  ['logistics', 2, ['Transport', 'Logistiek', 'Distributie', 'Koeriers']],
  ['healthcare', 2, ['Zorggroep', 'Thuiszorg', 'Fysiotherapie', 'Tandartsenpraktijk']],
  ['education', 1, ['Opleidingen', 'Academie', 'Trainingscentrum']],
  ['professional-services', 3, ['Advies', 'Accountants', 'Consultancy', 'Advocaten', 'Makelaardij']],
  ['manufacturing', 2, ['Metaalbewerking', 'Kunststoffen', 'Machinebouw', 'Verpakkingen']],
  ['retail', 2, ['Tuincentrum', 'Woonwinkel', 'Fietsen', 'Mode']],
  ['ict', 2, ['Software', 'IT-diensten', 'Digital', 'Hosting']],
  ['hospitality', 1, ['Hotelgroep', 'Catering', 'Evenementen']],
  ['public-sector', 1, ['Stichting Welzijn', 'Omgevingsdienst', 'Woningstichting']],
];

export const LEAD_SOURCES: readonly (readonly [string, number])[] = [
  ['website', 5],
  ['trade-fair', 2],
  ['referral', 3],
  ['cold-call', 2],
  ['linkedin', 2],
  ['webinar', 1],
  ['partner', 1],
];

export type Country = 'NL' | 'BE';

export const REGIONS: Readonly<Record<Country, readonly string[]>> = {
  NL: ['Brabant', 'Rijnmond', 'Twente', 'Veluwe', 'Delta', 'Gooi', 'Kennemer', 'Peel', 'Drechtsteden', 'Achterhoek'],
  BE: ['Kempen', 'Schelde', 'Leie', 'Waasland', 'Meetjesland', 'Pajottenland', 'Hageland', 'Westhoek'],
};

export const LEGAL_FORMS: Readonly<Record<Country, readonly (readonly [string, number])[]>> = {
  NL: [['B.V.', 7], ['V.O.F.', 1], ['', 2]],
  BE: [['BV', 6], ['NV', 3], ['CommV', 1]],
};

export const FIRST_NAMES: Readonly<Record<Country, readonly string[]>> = {
  NL: [
    'Anouk', 'Bram', 'Daan', 'Eva', 'Femke', 'Fleur', 'Hanneke', 'Inge', 'Jasper', 'Jeroen', 'Joost', 'Joris', 'Kim',
    'Lieke', 'Lotte', 'Maarten', 'Marieke', 'Niels', 'Ruben', 'Sanne', 'Sven', 'Thijs', 'Wouter', 'Yvonne', 'Mohamed',
    'Fatima', 'Priya', 'Dennis', 'Esther', 'Rik',
  ],
  BE: [
    'Annelies', 'Bart', 'Dirk', 'Els', 'Hilde', 'Ilse', 'Jonas', 'Karel', 'Koen', 'Lies', 'Nele', 'Pieter', 'Sofie',
    'Stijn', 'Tom', 'Wout', 'Lore', 'Arne', 'Elke', 'Yannick', 'Sarah', 'Kevin', 'Amira', 'Lucas',
  ],
};

export const SURNAMES: Readonly<Record<Country, readonly string[]>> = {
  NL: [
    'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer',
    'Mulder', 'de Groot', 'Bos', 'Vos', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra',
    'de Graaf', 'van der Meer', 'Kok', 'van den Heuvel', 'van der Veen', 'Kuipers', 'Veenstra', 'Postma', 'Schouten',
    'Verhoeven',
  ],
  BE: [
    'Peeters', 'Janssens', 'Maes', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Vermeulen',
    'Van Damme', 'De Clercq', 'Lambrechts', 'Hermans', 'Verstraete', 'Pauwels', 'Coppens', 'Aerts', 'Dewulf', 'Verbeke',
    'Van Acker', 'Declercq', 'Segers', 'Michiels',
  ],
};

/** The DMU roles a customer of this size shows, first ones first (small firms: the owner decides and buys). */
export const DMU_ORDER: Readonly<Record<CompanySize, readonly DmuRole[]>> = {
  small: ['decision-maker', 'user', 'buyer'],
  medium: ['decision-maker', 'buyer', 'user', 'influencer'],
  large: ['decision-maker', 'buyer', 'influencer', 'user', 'gatekeeper', 'initiator'],
  enterprise: ['decision-maker', 'buyer', 'influencer', 'gatekeeper', 'user', 'initiator'],
};

// ---------------------------------------------------------------------------------------------------------------
// What people write.

/** Monthly campaign subjects, by calendar month (0 = January). */
export const CAMPAIGN_SUBJECTS: readonly (readonly [string, string])[] = [
  ['nieuwjaar', 'Start het jaar met een opgeruimde werkplek'],
  ['printactie', 'Printactie: gratis installatie bij elke multifunctional'],
  ['voorjaar', 'Voorjaarsaanbieding zit-sta bureaus'],
  ['duurzaam', 'Duurzaam printen: 20 % minder toner'],
  ['hybride', 'Hybride werken: headsets en webcams voordelig'],
  ['zomer', 'Zomerservice: levering binnen 24 uur'],
  ['koffie', 'Proef het verschil: gratis koffieproefpakket'],
  ['backtowork', 'Terug aan het werk: laptops met 3 jaar garantie'],
  ['webinar', 'Webinar: kosten besparen op kantoorartikelen'],
  ['najaar', 'Najaarsactie papier en enveloppen'],
  ['blackfriday', 'Zakelijke Black Friday: monitoren en docks'],
  ['eindejaar', 'Budget over? Onze eindejaarsdeals'],
];

export const FOLLOW_UP_SUBJECTS = [
  'Opvolging van ons gesprek',
  'Uw offerte staat klaar',
  'Nieuwe prijslijst',
  'Uitnodiging klantendag',
  'Tevredenheidsonderzoek: uw mening telt',
  'Onderhoudsherinnering',
];

export const COMPLAINT_CATEGORIES: readonly (readonly [string, number])[] = [
  ['delivery', 4],
  ['product-quality', 3],
  ['invoice', 2],
  ['service', 2],
  ['installation', 1],
];

export const RESOLUTIONS: Readonly<Record<string, readonly string[]>> = {
  delivery: ['Ontbrekende artikelen nagezonden', 'Nieuwe levering ingepland', 'Vervoerder aangesproken, levering alsnog gedaan'],
  'product-quality': ['Product omgeruild', 'Creditnota verstrekt', 'Technicus heeft defect verholpen'],
  invoice: ['Factuur gecorrigeerd', 'Creditnota verstuurd', 'Betalingstermijn aangepast'],
  service: ['Excuses aangeboden en nabellen ingepland', 'Vaste contactpersoon toegewezen'],
  installation: ['Installatie opnieuw uitgevoerd', 'Instellingen op afstand aangepast'],
};

export const IMPROVEMENTS = [
  'Levertijden beter nakomen',
  'Sneller reageren op vragen',
  'Duidelijkere facturen',
  'Offertes sneller versturen',
  'Vaste contactpersoon graag',
  'Betere bereikbaarheid van de klantenservice',
  'Meer duurzame producten in het assortiment',
  'Prijzen zijn aan de hoge kant',
  'Bestellen via de webshop is omslachtig',
  'Installateur kwam te laat',
];

export const PRAISE = ['Prima service, ga zo door', 'Snelle levering', 'Fijne accountmanager'];

export const OTHER_PROMISES: readonly (readonly [string, StaffDepartment])[] = [
  ['Terugbellen over uitbreiding contract', 'marketing-sales'],
  ['Demo van de nieuwe multifunctional inplannen', 'marketing-sales'],
  ['Prijsopgave maatwerk aanleveren', 'procurement'],
  ['Printerinstellingen op afstand controleren', 'technology'],
  ['Levertijd navragen bij fabrikant', 'procurement'],
  ['Overzicht van verbruik toesturen', 'service'],
];

export const ENDING_REASONS: Readonly<Record<'customer' | 'supplier', readonly (readonly [string, StaffDepartment])[]>> = {
  customer: [
    ['Overgestapt naar een concurrent', 'marketing-sales'],
    ['Inkoop centraal geregeld na fusie', 'marketing-sales'],
    ['Bezuinigingen', 'marketing-sales'],
    ['Ontevreden over levertijden', 'marketing-sales'],
    ['Bedrijfsactiviteiten gestaakt', 'infrastructure'],
  ],
  supplier: [
    ['Betalingsachterstand', 'infrastructure'],
    ['Klant niet rendabel', 'marketing-sales'],
    ['Herhaalde wanbetaling', 'infrastructure'],
  ],
};
