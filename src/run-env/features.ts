// Portage's FEATURES is incremental and the calling environment is its top layer: words added
// here extend make.conf's list. `-*` would wipe userpriv and the rest, so it is never emitted.

export function extendFeatures(current: string | undefined, additions: readonly string[]): string {
  const words = (current ?? '').split(/\s+/).filter((word) => word !== '');
  for (const addition of additions) {
    if (addition === '-*') throw new Error('refusing to emit FEATURES=-*');
    // Drop an earlier opposite word so the value reads plainly; order already makes ours win.
    const opposite = addition.startsWith('-') ? addition.slice(1) : `-${addition}`;
    const kept = words.filter((word) => word !== opposite && word !== addition);
    words.length = 0;
    words.push(...kept, addition);
  }
  return words.join(' ');
}

export function hasFeature(value: string | undefined, feature: string): boolean {
  let enabled = false;
  for (const word of (value ?? '').split(/\s+/)) {
    if (word === feature) enabled = true;
    else if (word === `-${feature}` || word === '-*') enabled = false;
  }
  return enabled;
}
