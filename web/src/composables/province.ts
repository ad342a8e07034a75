/** A province admin's organisation is PROV-<GB/T 2260 letters>, as the services read it
 * (skillcert.divisions.PROVINCE_LETTERS): the numeric province code, or null. */
const PROVINCES: Record<string, string> = {
  BJ: '110000', TJ: '120000', HE: '130000', SX: '140000', NM: '150000', LN: '210000', JL: '220000',
  HL: '230000', SH: '310000', JS: '320000', ZJ: '330000', AH: '340000', FJ: '350000', JX: '360000',
  SD: '370000', HA: '410000', HB: '420000', HN: '430000', GD: '440000', GX: '450000', HI: '460000',
  CQ: '500000', SC: '510000', GZ: '520000', YN: '530000', XZ: '540000', SN: '610000', GS: '620000',
  QH: '630000', NX: '640000', XJ: '650000',
}

export function provinceOfOrg(orgId: string | null | undefined): string | null {
  return PROVINCES[(orgId ?? '').replace(/^PROV-/, '')] ?? null
}
