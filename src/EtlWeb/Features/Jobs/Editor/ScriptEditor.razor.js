// Monaco ships inside the BlazorMonaco package. It is loaded here on first use rather than with every page:
// editor.main.js alone is 3 MB.
const vs = "_content/BlazorMonaco/lib/monaco-editor/min/vs";
const changeDelayMs = 250;
let loading;

function loadMonaco() {
  loading ??= new Promise((resolve, reject) => {
    if (window.monaco?.editor) {
      resolve(window.monaco);
      return;
    }
    const loader = document.createElement("script");
    loader.src = `${vs}/loader.js`;
    loader.onload = () => {
      window.require.config({ paths: { vs } });
      window.require(["vs/editor/editor.main"], () => {
        // Monaco's AMD loader flags `define.amd`, which makes UMD libraries loaded later by a <script> tag
        // (xterm for the log viewer) register with it instead of setting their global. Monaco's own modules
        // call define() by name and do not need the flag.
        delete window.define.amd;
        resolve(window.monaco);
      }, reject);
    };
    loader.onerror = () => reject(new Error(`${loader.src} could not be loaded.`));
    document.head.appendChild(loader);
  }).catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

function isDark(element) {
  const [r, g, b] = getComputedStyle(element.closest(".mud-dialog") ?? document.body).backgroundColor
    .match(/\d+(\.\d+)?/g).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}

// The server is told that the text changed, then reads it as a stream: a long script would not fit in one
// circuit message (32 KB by default). A blur tells at once, so a click elsewhere never outruns the text.
export async function create(element, value, language, dotnet) {
  const monaco = await loadMonaco();
  const editor = monaco.editor.create(element, {
    value,
    language,
    theme: isDark(element) ? "vs-dark" : "vs",
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
    tabSize: 4,
    insertSpaces: true,
    wordBasedSuggestions: false,
    fixedOverflowWidgets: true,
  });
  let timer;
  const tell = () => {
    clearTimeout(timer);
    timer = undefined;
    dotnet.invokeMethodAsync("OnScriptChanged");
  };
  editor.onDidChangeModelContent(() => {
    clearTimeout(timer);
    timer = setTimeout(tell, changeDelayMs);
  });
  editor.onDidBlurEditorText(() => {
    if (timer !== undefined) {
      tell();
    }
  });
  return {
    text: () => new TextEncoder().encode(editor.getValue()),
    setLanguage: (id) => monaco.editor.setModelLanguage(editor.getModel(), id),
    dispose: () => {
      clearTimeout(timer);
      editor.dispose();
    },
  };
}
