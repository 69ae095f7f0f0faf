const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * An approximate location without a GeoIP database (nothing is downloaded): the city of the browser's
 * time zone and the country of its language tag (`es-ES`, or the first of an Accept-Language list),
 * e.g. "Madrid, Spain". Null when neither is known.
 */
export function describeLocation(timezone: string | undefined, language: string | undefined): string | null {
  const city = timezone?.includes('/') ? timezone.split('/').pop()!.replaceAll('_', ' ') : null;
  const region = /^[a-z]{2,3}-([A-Z]{2})\b/i.exec(language?.split(',')[0]?.trim() ?? '')?.[1]?.toUpperCase();
  let country: string | null = null;
  if (region) {
    try {
      country = regions.of(region) ?? null;
    } catch {
      country = null;
    }
  }
  const parts = [city, country].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}
