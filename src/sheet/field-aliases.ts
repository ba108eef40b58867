import type { LeadField } from './types.js';
import { headerKey } from './header-key.js';

/**
 * Header names that mean each lead field, most specific first: when a sheet has two columns that
 * could be a field, the alias earlier in its list wins, then the column further left. Compared
 * with headerKey, so `E-mail`, `e_mail` and `EMAIL` need no entries of their own.
 * An alias belongs to one field only (a test checks it).
 */
export const FIELD_ALIASES: Readonly<Record<LeadField, readonly string[]>> = {
  fullName: [
    'Name',
    'Full Name',
    'Contact Name',
    'Lead Name',
    'Customer Name',
    'Client Name',
    'Prospect Name',
  ],
  firstName: ['First Name', 'Forename', 'Given Name', 'First'],
  lastName: ['Last Name', 'Surname', 'Family Name', 'Last'],
  email: [
    'Email',
    'Email Address',
    'Work Email',
    'Contact Email',
    'Business Email',
    'Mail',
    // Free-text contact columns come last: the row builder takes the first address found in them.
    'Contact Info',
    'Contact Information',
    'Contact Details',
    'Contact',
  ],
  phone: [
    'Phone',
    'Phone Number',
    'Mobile',
    'Mobile Number',
    'Cell',
    'Cell Phone',
    'Tel',
    'Telephone',
    'Contact Number',
    'Work Phone',
  ],
  company: [
    'Company',
    'Company Name',
    'Account',
    'Account Name',
    'Organisation',
    'Organization',
    'Business',
    'Business Name',
    'Employer',
  ],
  jobTitle: ['Job Title', 'Title', 'Role', 'Position', 'Job Role', 'Designation'],
  source: ['Channel of Lead', 'Lead Source', 'Source', 'Channel', 'Campaign', 'UTM Source'],
  owner: ['Owner', 'Lead Owner', 'Assigned To', 'Rep', 'Sales Rep', 'Team Member', 'Agent'],
  occurredAt: [
    'Date',
    'Created',
    'Created At',
    'Created Date',
    'Date Created',
    'Date Added',
    'Timestamp',
    'Submitted',
    'Submitted At',
    'Lead Date',
  ],
  notes: ['Notes', 'Note', 'Comments', 'Comment', 'Remarks', 'Message'],
};

/** Columns that identify a lead when no key column is configured, most specific first. */
export const ID_ALIASES: readonly string[] = [
  'Lead ID',
  'External ID',
  'ID',
  'Record ID',
  'Row ID',
  'Reference',
  'Lead Reference',
  'Ref',
];

/** headerKey of every alias (fields and ids): header detection counts the cells that match one. */
export const KNOWN_HEADER_KEYS: ReadonlySet<string> = new Set(
  [...Object.values(FIELD_ALIASES).flat(), ...ID_ALIASES].map(headerKey),
);
