// The browser half of LogViewer: a read-only xterm.js terminal showing the viewer's window of log lines.
// .NET decides which lines are shown (LogWindow) and sends edits; this side keeps the formatted lines of the
// window so it can rewrite the terminal when lines are put before them or dropped, which xterm cannot do in place.

const views = new WeakMap();
const hideCursor = "\x1b[?25l";
const fontFamily = 'ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace';

const palettes = {
  light: {
    foreground: "#24292f", selectionBackground: "#add6ff", cursor: "#24292f",
    black: "#000000", red: "#cd3131", green: "#107c10", yellow: "#8a6d00", blue: "#0451a5", magenta: "#bc05bc", cyan: "#0598bc", white: "#555555",
    brightBlack: "#666666", brightRed: "#cd3131", brightGreen: "#14a314", brightYellow: "#9a7d00", brightBlue: "#0451a5", brightMagenta: "#bc05bc", brightCyan: "#0598bc", brightWhite: "#a5a5a5",
    scrollbarSliderBackground: "rgba(0, 0, 0, 0.25)", scrollbarSliderHoverBackground: "rgba(0, 0, 0, 0.4)", scrollbarSliderActiveBackground: "rgba(0, 0, 0, 0.5)",
  },
  dark: {
    foreground: "#d4d4d4", selectionBackground: "#264f78", cursor: "#d4d4d4",
    black: "#000000", red: "#f14c4c", green: "#23d18b", yellow: "#e5e510", blue: "#3b8eea", magenta: "#d670d6", cyan: "#29b8db", white: "#e5e5e5",
    brightBlack: "#8a8a8a", brightRed: "#f14c4c", brightGreen: "#23d18b", brightYellow: "#f5f543", brightBlue: "#3b8eea", brightMagenta: "#d670d6", brightCyan: "#29b8db", brightWhite: "#ffffff",
    scrollbarSliderBackground: "rgba(255, 255, 255, 0.25)", scrollbarSliderHoverBackground: "rgba(255, 255, 255, 0.4)", scrollbarSliderActiveBackground: "rgba(255, 255, 255, 0.5)",
  },
};

const searchColours = {
  light: { matchBackground: "#fff2a8", activeMatchBackground: "#ff9632", matchOverviewRuler: "#d7a600", activeMatchColorOverviewRuler: "#ff9632" },
  dark: { matchBackground: "#6b5a00", activeMatchBackground: "#c06000", matchOverviewRuler: "#d7a600", activeMatchColorOverviewRuler: "#ff9632" },
};

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.onload = resolve;
    element.onerror = () => reject(new Error(`EtlWeb could not load ${attributes.src ?? attributes.href}`));
    document.head.appendChild(element);
  });
}

// Loaded when this module is first imported, so pages without a log viewer never download the terminal; the three
// files load in parallel (the add-ons need xterm only when used), and are skipped if the page has them already.
const xtermLoaded = Promise.all([
  document.querySelector('link[href*="xterm.css"]') ? null : load("link", { rel: "stylesheet", href: "lib/xterm/xterm.css" }),
  globalThis.Terminal ? null : load("script", { src: "lib/xterm/xterm.js" }),
  globalThis.FitAddon ? null : load("script", { src: "lib/xterm/addon-fit.js" }),
  globalThis.SearchAddon ? null : load("script", { src: "lib/xterm/addon-search.js" }),
]);

export async function create(host, dotnet) {
  await xtermLoaded;
  const term = new Terminal({
    disableStdin: true,
    cursorBlink: false,
    cursorInactiveStyle: "none",
    // Rows, not lines: .NET keeps at most 10,000 lines, and a long line wraps over several rows.
    scrollback: 250000,
    fontFamily,
    fontSize: 13,
    lineHeight: 1.15,
    minimumContrastRatio: 4.5,
    allowProposedApi: true,
  });
  const fit = new FitAddon.FitAddon();
  const search = new SearchAddon.SearchAddon({ highlightLimit: 2000 });
  term.loadAddon(fit);
  term.loadAddon(search);
  term.open(host);

  // The viewer's frame transitions its background, so a switch to or from dark mode shows up here.
  const frame = host.closest("[data-log-viewer]") ?? host;
  const view = { host, frame, term, fit, search, dotnet, lines: [], applying: 0, atBottom: true, mode: "light" };
  views.set(host, view);
  applyTheme(view);
  term.write(hideCursor);
  refit(view);

  view.resizeObserver = new ResizeObserver(() => refit(view));
  view.resizeObserver.observe(host);
  term.onScroll(() => onScroll(view));
  // Capture: the terminal's own scroller stops the wheel event once it has scrolled.
  view.onWheel = (event) => onWheel(view, event);
  host.addEventListener("wheel", view.onWheel, { capture: true, passive: true });
  view.onTransition = (event) => { if (event.target === view.frame) applyTheme(view); };
  view.frame.addEventListener("transitionend", view.onTransition);
}

export async function apply(host, edit) {
  const view = views.get(host);
  if (!view) return;
  const { term } = view;
  view.applying++;
  try {
    const appendOnly = !edit.replace && edit.dropTop === 0 && edit.dropBottom === 0 && edit.prepend.length === 0;
    if (appendOnly) {
      if (edit.append.length > 0) {
        await write(term, (view.lines.length > 0 ? "\r\n" : "") + edit.append.join("\r\n"));
        for (const line of edit.append) view.lines.push(line);
      }
    } else {
      // Keep the line at the top of the screen where it is, whatever was put before it or dropped.
      const anchor = edit.replace ? -1 : lineAtRow(term, term.buffer.active.viewportY);
      const kept = edit.replace ? [] : view.lines.slice(edit.dropTop, view.lines.length - edit.dropBottom);
      view.lines = edit.prepend.concat(kept, edit.append);
      view.search.clearDecorations();
      term.reset();
      await write(term, hideCursor + view.lines.join("\r\n"));
      if (anchor >= 0 && view.lines.length > 0) {
        const index = Math.min(Math.max(anchor - edit.dropTop, 0) + edit.prepend.length, view.lines.length - 1);
        term.scrollToLine(rowOfLine(term, index));
      }
    }

    if (edit.scroll === "bottom") term.scrollToBottom();
    if (edit.scroll === "top") term.scrollToTop();
  } finally {
    settle(view);
  }
}

// Where the screen is, as indexes into the window's lines: the top and bottom lines in view.
export function visibleLines(host) {
  const view = views.get(host);
  if (!view || view.lines.length === 0) return [0, 0];
  const buffer = view.term.buffer.active;
  const last = Math.min(buffer.viewportY + view.term.rows - 1, buffer.length - 1);
  return [lineAtRow(view.term, buffer.viewportY), Math.min(lineAtRow(view.term, last), view.lines.length - 1)];
}

// Scrolls the line at `index` into the upper third of the screen and marks the search hit in it, with every other hit in the window.
export function reveal(host, index, column, text) {
  const view = views.get(host);
  if (!view) return;
  const { term, search } = view;
  view.applying++;
  try {
    const row = rowOfLine(term, index);
    // Start on this line, and match only after the stream bar: line numbers are not part of the log.
    term.select(column - 1, row, 1);
    const afterGutter = "(?<=[│┃] .*)" + text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    search.findNext(afterGutter, { regex: true, incremental: true, decorations: searchColours[view.mode] });
    term.scrollToLine(Math.max(0, row - Math.floor(term.rows / 3)));
  } finally {
    settle(view);
  }
}

export function clearSearch(host) {
  const view = views.get(host);
  if (!view) return;
  view.search.clearDecorations();
  view.term.clearSelection();
}

export function dispose(host) {
  const view = views.get(host);
  if (!view) return;
  views.delete(host);
  view.resizeObserver.disconnect();
  host.removeEventListener("wheel", view.onWheel, { capture: true });
  view.frame.removeEventListener("transitionend", view.onTransition);
  view.term.dispose();
}

function write(term, text) {
  return new Promise((resolve) => term.write(text, resolve));
}

// Scroll events caused by an edit are not the reader's doing: note where the screen ended up, tell .NET nothing.
function settle(view) {
  const buffer = view.term.buffer.active;
  view.atBottom = buffer.viewportY >= buffer.baseY;
  view.applying--;
}

function onScroll(view) {
  if (view.applying > 0) return;
  const buffer = view.term.buffer.active;
  const atBottom = buffer.viewportY >= buffer.baseY;
  if (atBottom !== view.atBottom) {
    view.atBottom = atBottom;
    notify(view, atBottom ? "OnReachedBottom" : "OnLeftBottom");
  }
  if (buffer.viewportY === 0 && buffer.baseY > 0) notify(view, "OnReachedTop");
}

// A wheel turn at either end moves nothing, so no scroll event says the reader wants more.
function onWheel(view, event) {
  const buffer = view.term.buffer.active;
  if (event.deltaY < 0 && buffer.viewportY === 0) notify(view, "OnReachedTop");
  if (event.deltaY > 0 && buffer.viewportY >= buffer.baseY) notify(view, "OnReachedBottom");
}

function notify(view, method) {
  view.dotnet.invokeMethodAsync(method).catch(() => { /* the circuit is gone; nothing to tell */ });
}

function refit(view) {
  if (view.host.clientWidth === 0 || view.host.clientHeight === 0) return;
  view.applying++;
  try {
    view.fit.fit();
  } finally {
    settle(view);
  }
}

// Line indexes and buffer rows differ once a long line wraps: count the rows that start a line.
function lineAtRow(term, row) {
  const buffer = term.buffer.active;
  let index = -1;
  for (let y = 0; y <= row && y < buffer.length; y++) {
    if (!buffer.getLine(y)?.isWrapped) index++;
  }
  return Math.max(index, 0);
}

function rowOfLine(term, index) {
  const buffer = term.buffer.active;
  let seen = -1;
  for (let y = 0; y < buffer.length; y++) {
    if (!buffer.getLine(y)?.isWrapped && ++seen === index) return y;
  }
  return Math.max(buffer.length - 1, 0);
}

// The terminal takes the page's surface colour, and a light or dark palette to suit it.
function applyTheme(view) {
  const background = toHex(getComputedStyle(view.frame).backgroundColor) ?? "#ffffff";
  view.mode = luminance(background) < 0.4 ? "dark" : "light";
  view.term.options.theme = { ...palettes[view.mode], background };
  view.host.parentElement.style.backgroundColor = background;
}

function toHex(css) {
  const parts = css.match(/[\d.]+/g);
  if (!parts || parts.length < 3 || (parts.length > 3 && Number(parts[3]) === 0)) return null;
  return "#" + parts.slice(0, 3).map((p) => Math.round(Number(p)).toString(16).padStart(2, "0")).join("");
}

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
