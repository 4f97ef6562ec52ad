// Small monogram logos (a coloured tile with the provider's initial), so clients have an
// SVG to show for every provider. Apps that want brand marks ship their own.

function monogram(letter: string, background: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">' +
    `<rect width="32" height="32" rx="7" fill="${background}"/>` +
    '<text x="16" y="22" font-family="Arial,Helvetica,sans-serif" font-size="17" font-weight="700" ' +
    `text-anchor="middle" fill="#fff">${letter}</text></svg>`
  );
}

export const LOGOS = {
  apple: monogram('A', '#111111'),
  google: monogram('G', '#4285f4'),
  microsoft: monogram('M', '#00a4ef'),
  facebook: monogram('f', '#1877f2'),
  github: monogram('G', '#24292f'),
  gitlab: monogram('G', '#fc6d26'),
  discord: monogram('D', '#5865f2'),
  oidc: monogram('ID', '#f78c40'),
} as const;
