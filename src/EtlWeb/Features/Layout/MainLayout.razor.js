// What only the browser knows: its time zone and the dark-mode choice saved on this machine.
export function preferences() {
  return {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    dark: localStorage.getItem('etlweb-dark'),
  };
}

export function saveDark(dark) {
  localStorage.setItem('etlweb-dark', dark ? 'true' : 'false');
}
