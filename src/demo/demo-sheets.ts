/**
 * The sample sheets `npm run demo` serves: small, realistic, deterministic, and changing over
 * time (a `tick` advances every few seconds) so a newcomer sees inserts, updates and deletes.
 */
export interface DemoSheet {
  /** Spreadsheet id in the link; for `published`, the /d/e/ id. */
  id: string;
  customerName: string;
  kind: 'export' | 'published';
  /** Not link-shared: the export answers with a sign-in redirect, as Google does. */
  private?: boolean;
  /** Served slowly (milliseconds between 64 KiB chunks), so progress is visible. */
  chunkDelayMs?: number;
  csv(tick: number): string;
}

const FIRST = [
  'James',
  'Mary',
  'José',
  'Zoë',
  'Priya',
  'Wei',
  'Siobhán',
  'Jürgen',
  'Amara',
  'Liam',
  'Chloé',
  'Ngozi',
];
const LAST = ['Smith', "O'Brien", 'García', 'Müller', 'Okafor', 'Tanaka', 'Nowak', 'Dubois', 'Khan', 'Rossi'];
const COMPANIES = [
  'Acme Roofing',
  'Globex, Inc.',
  'Initech',
  'Umbrella Group',
  'Hooli',
  'Vandelay Industries',
];
const SOURCES = ['Facebook Ads', 'Google Ads', 'Referral', 'Website form', 'Trade show'];
const OWNERS = ['Sam', 'Alex', 'Jo', 'Priya'];
const NOTES = [
  'Call back w/c 16th',
  'Wants a quote, "urgent"',
  'Left voicemail',
  '',
  'Interested in the\npremium plan',
  'No answer',
];

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function leadRow(i: number, tick: number): string[] {
  const first = pick(FIRST, i * 7);
  const last = pick(LAST, i * 3);
  const day = ((i * 5) % 27) + 1;
  const month = (i % 11) + 1;
  // Every lead is edited once in a while (its status note changes), so updates show up too.
  const note = (i + tick) % 40 === 0 ? `Followed up (tick ${tick})` : pick(NOTES, i);
  return [
    `L-${String(1000 + i)}`,
    `${first} ${last}`,
    `${first.toLowerCase().replace(/[^a-z]/g, '')}.${last.toLowerCase().replace(/[^a-z]/g, '')}${i}@example.com`,
    `+44 20 7946 ${String(i % 10000).padStart(4, '0')}`,
    pick(COMPANIES, i * 2),
    pick(SOURCES, i),
    pick(OWNERS, i * 5),
    `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2026`,
    note,
  ];
}

function sheet(title: string | null, header: string[], rows: string[][]): string {
  const lines = [...(title ? [title, ''] : []), header.join(','), ...rows.map((r) => r.map(cell).join(','))];
  return lines.join('\r\n') + '\r\n';
}

const HEADER = [
  'Lead ID',
  'Full Name',
  'Email',
  'Phone',
  'Company',
  'Lead Source',
  'Assigned To',
  'Date',
  'Notes',
];

export const DEMO_SHEETS: readonly DemoSheet[] = [
  {
    // A telesales sheet with a title row above the header; one new lead a tick.
    id: '1DemoAcmeRoofingTelesalesSheet0000000001',
    customerName: 'Acme Roofing (demo)',
    kind: 'export',
    csv: (tick) => {
      const count = 40 + tick;
      const rows = Array.from({ length: count }, (_, i) => leadRow(i, tick));
      return sheet(`Leads for Acme Roofing — week ${48 + Math.floor(tick / 10)}`, HEADER, rows);
    },
  },
  {
    // A big lead-gen partner sheet, served slowly so the progress bar moves.
    id: '1DemoNorthwindPartnerLeadsSheet000000002',
    customerName: 'Northwind lead-gen (demo)',
    kind: 'export',
    chunkDelayMs: 40,
    csv: (tick) => {
      const count = 20_000 + tick * 25;
      const rows = Array.from({ length: count }, (_, i) => leadRow(i + 5000, tick));
      return sheet(null, HEADER, rows);
    },
  },
  {
    // A web form published to the web: no ID column, so leads are identified by email;
    // the oldest entries roll off as new ones arrive (soft deletes).
    id: '2PACX-1vDemoGlobexWebFormPublishedSheet0003',
    customerName: 'Globex web form (demo)',
    kind: 'published',
    csv: (tick) => {
      const rows = Array.from({ length: 25 }, (_, k) => {
        const r = leadRow(k + tick * 2 + 9000, 0);
        return [r[7] ?? '', r[1] ?? '', r[2] ?? '', r[4] ?? '', r[8] ?? ''];
      });
      return sheet(null, ['Timestamp', 'Name', 'Email Address', 'Company', 'Comments'], rows);
    },
  },
  {
    // Someone stopped sharing this one: every sync fails with SHEET_NOT_PUBLIC.
    id: '1DemoInitechSheetThatIsNoLongerShared0004',
    customerName: 'Initech (demo, sheet not shared)',
    kind: 'export',
    private: true,
    csv: () => sheet(null, HEADER, []),
  },
];

/** The link a person would paste for a demo sheet (fetched from the configured Google base). */
export function demoSheetUrl(sheet: DemoSheet): string {
  return sheet.kind === 'published'
    ? `https://docs.google.com/spreadsheets/d/e/${sheet.id}/pub?gid=0&single=true&output=csv`
    : `https://docs.google.com/spreadsheets/d/${sheet.id}/edit#gid=0`;
}
