// cronstrue is loaded by App.razor as a global. Cronos macros it does not know are worded here.
const macros = { "@every_minute": "Every minute", "@every_second": "Every second" };

export function describe(expression) {
  const trimmed = expression.trim();
  try {
    return window.cronstrue.toString(trimmed, { use24HourTimeFormat: true });
  } catch {
    return macros[trimmed.toLowerCase()] ?? null;
  }
}

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
}
