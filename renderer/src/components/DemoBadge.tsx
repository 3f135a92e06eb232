// Marks what the demo provider did: no money moved.
import { useTranslation } from 'react-i18next';

/** `inline`: within a line of text (a list row); otherwise on a checkout screen's own line. */
export function DemoBadge({ inline = false }: { inline?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={inline ? 'demo-badge' : 'demo-badge pay-demo'} data-testid="demo-badge">
      {t('pay.demo')}
    </span>
  );
}
