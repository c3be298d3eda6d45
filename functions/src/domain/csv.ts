/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

/**
 * Turns an invoice CSV (a header row, then one invoice per row) into the JSON the API takes.
 * Columns: amount (minor units), currency, description, phone, name, locale, reference,
 * paymentMethods ("card phone"), expiresAt, sendAt, returnUrl, cancelUrl, callbackUrl,
 * smsText, smsSender, and metadata.<key>. Empty cells are left out.
 */
export function invoiceRowsFromCsv(text: string): Record<string, unknown>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const columns = header.map((h) => h.trim());
  return rows.map((cells) => {
    const out: Record<string, unknown> = {};
    const payer: Record<string, unknown> = {};
    const sms: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (value === '') return;
      if (column === 'amount') out.amount = /^-?\d+$/.test(value) ? Number(value) : value;
      else if (column === 'phone' || column === 'name' || column === 'locale') payer[column] = value;
      else if (column === 'paymentMethods') out.paymentMethods = value.split(/[\s;|]+/).filter(Boolean);
      else if (column === 'smsText') sms.text = value;
      else if (column === 'smsSender') sms.sender = value;
      else if (column.startsWith('metadata.')) metadata[column.slice('metadata.'.length)] = value;
      else out[column] = value;
    });
    if (Object.keys(payer).length) out.payer = payer;
    if (Object.keys(sms).length) out.sms = sms;
    if (Object.keys(metadata).length) out.metadata = metadata;
    return out;
  });
}
