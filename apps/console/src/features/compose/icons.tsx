/** Small stroke icons of the composer's toolbar (24×24, currentColor); decorative, the button has the name. */
function Icon({ d }: { d: string }) {
  return (
    <svg
      width={16}
      height={16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}

export const BoldIcon = () => <Icon d="M7 5h6a3.5 3.5 0 0 1 0 7H7zM7 12h7a3.5 3.5 0 0 1 0 7H7z" />;
export const ItalicIcon = () => <Icon d="M11 5h6M7 19h6M14 5l-4 14" />;
export const ListIcon = () => <Icon d="M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01" />;
export const CodeIcon = () => <Icon d="M8 8l-4 4 4 4M16 8l4 4-4 4M13.5 5l-3 14" />;
export const LinkIcon = () => (
  <Icon d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1" />
);
export const GalleryIcon = () => <Icon d="M4 5h16v14H4zM4 16l5-5 4 4 2-2 5 5M15.5 9.5h.01" />;
export const CannedIcon = () => <Icon d="M5 4h14v12H9l-4 4zM9 9h6M9 12h4" />;
