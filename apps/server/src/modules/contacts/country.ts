import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The customer's country (ADM-3) as an ISO 3166 code: from the phone number when it has an
 * international prefix libphonenumber-js recognises, else from the region of the visitor's language
 * tag (`es-ES` → ES), else unknown.
 */
export function customerCountry(phone: string | null | undefined, locale?: string | null): string | null {
  if (phone) {
    const parsed = parsePhoneNumberFromString(phone);
    if (parsed?.country) return parsed.country;
  }
  const region = /^[a-z]{2,3}-([A-Z]{2})\b/i.exec(locale?.split(',')[0]?.trim() ?? '')?.[1];
  return region ? region.toUpperCase() : null;
}
