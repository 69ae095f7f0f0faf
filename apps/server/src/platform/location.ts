const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * An approximate location without a GeoIP database (nothing is downloaded): the city of the browser's
 * time zone and the country of its language tag (`es-ES`, or the first of an Accept-Language list),
 * e.g. "Madrid, Spain". Null when neither is known.
 */
const regionOf = (language: string | null | undefined): string | undefined =>
  /^[a-z]{2,3}-([A-Z]{2})\b/i.exec(language?.split(',')[0]?.trim() ?? '')?.[1]?.toUpperCase();

function countryName(region: string): string | null {
  try {
    return regions.of(region) ?? null;
  } catch {
    return null;
  }
}

/**
 * The stored location split for display in the reader's language: the city as stored (a time-zone
 * city has no translations) and the country as an ISO 3166 code, which the console names with
 * Intl.DisplayNames. A country that cannot be told apart from the text leaves `country` null.
 */
export function locationParts(
  location: string | null,
  language: string | null,
): { city: string | null; country: string | null } {
  if (!location) return { city: null, country: null };
  const region = regionOf(language);
  const name = region ? countryName(region) : null;
  if (!region || !name) return { city: location, country: null };
  if (location === name) return { city: null, country: region };
  if (location.endsWith(`, ${name}`)) return { city: location.slice(0, -name.length - 2), country: region };
  return { city: location, country: null };
}

export function describeLocation(timezone: string | undefined, language: string | undefined): string | null {
  const city = timezone?.includes('/') ? timezone.split('/').pop()!.replaceAll('_', ' ') : null;
  const region = regionOf(language);
  const country = region ? countryName(region) : null;
  const parts = [city, country].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}
