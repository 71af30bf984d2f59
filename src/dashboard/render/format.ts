// Short, fixed-width-friendly numbers for the dashboard's columns.

/** "0:07", "12:05", "1:02:03". */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "0.4s", "12s", "3m", "2h": the age of something short-lived. */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

/** ps's RSS in KiB as "512K", "12M", "1.5G". */
export function formatKiB(kib: number): string {
  if (!Number.isFinite(kib) || kib < 0) return '-';
  if (kib < 1024) return `${Math.round(kib)}K`;
  if (kib < 1024 * 1024) return `${Math.round(kib / 1024)}M`;
  return `${(kib / (1024 * 1024)).toFixed(1)}G`;
}

/** "3ms", "120ms", "1.2s". */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}
