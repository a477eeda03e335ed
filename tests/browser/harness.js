// Test-only page script: the real Excalidraw and Mermaid libraries, driven from
// tests/browser/harness.py through the async functions put on `window` below.
// Every function takes and returns plain JSON-able values; scene text goes in as
// the .excalidraw file's text and restored scenes come back as JSON text, so the
// Python side sees exactly what a saved file would hold.
import {
  FONT_FAMILY,
  convertToExcalidrawElements,
  exportToBlob,
  exportToCanvas,
  loadFromBlob,
  restoreElements,
} from "@excalidraw/excalidraw";

// Excalidraw's own load path for a .excalidraw file: loadFromBlob drops deleted
// elements, keeps only the exportable appState keys and calls restore() with
// { repairBindings: true, refreshDimensions: false }.
async function loadScene(jsonText) {
  const blob = new Blob([jsonText], { type: "application/json" });
  return loadFromBlob(blob, null, null);
}

async function restoreScene(jsonText) {
  const { elements, appState, files } = await loadScene(jsonText);
  return JSON.stringify({ elements, appState, files });
}

// Helvetica (2) is the one family Excalidraw does not ship: it asks the system for it.
const SYSTEM_FONT_FAMILIES = new Set(["Helvetica"]);

function fontFamilyName(fontFamily) {
  const name = Object.keys(FONT_FAMILY).find((key) => FONT_FAMILY[key] === fontFamily);
  if (name === undefined) {
    throw new Error(`unknown Excalidraw fontFamily ${fontFamily}`);
  }
  return name;
}

// The CSS font string Excalidraw builds for a text element (getFontString in
// element/utils: "<size>px <family name>, <fallbacks>"); the library does not export it.
function fontString(fontFamily, fontSize) {
  const name = fontFamilyName(fontFamily);
  const fallbacks = name === "Excalifont" ? ["Xiaolai", "Segoe UI Emoji"] : ["Segoe UI Emoji"];
  return `${fontSize}px ${[name, ...fallbacks].join(", ")}`;
}

// Throws unless every text element's own font face is loaded for the characters it
// uses: a width or a picture drawn with a fallback font would check nothing.
// (document.fonts.check alone does not do: it answers true for a family it has never heard of.)
async function assertFontsLoaded(elements) {
  const missing = [];
  for (const element of elements) {
    if (element.type !== "text" || element.isDeleted) continue;
    const name = fontFamilyName(element.fontFamily);
    if (SYSTEM_FONT_FAMILIES.has(name)) continue;
    const font = fontString(element.fontFamily, element.fontSize);
    let faces;
    try {
      faces = await document.fonts.load(font, element.text || " ");
    } catch (error) {
      missing.push(`${font} (${error})`);
      continue;
    }
    const own = faces.filter((face) => face.family.replace(/["']/g, "") === name);
    if (!own.length || own.some((face) => face.status !== "loaded")) {
      missing.push(font);
    }
  }
  if (missing.length) {
    const failed = [...document.fonts].filter((face) => face.status === "error");
    throw new Error(
      `fonts not loaded: ${[...new Set(missing)].join("; ")}` +
        ` (font faces that failed: ${failed.map((face) => face.family).join(", ") || "none"};` +
        ` EXCALIDRAW_ASSET_PATH=${window.EXCALIDRAW_ASSET_PATH})`,
    );
  }
}

// Excalidraw loads its fonts (adds its FontFaces to document.fonts and awaits
// document.fonts.load for the characters in use) inside exportToCanvas; we use that
// same loader rather than a copy of it.
async function loadFonts(elements) {
  await exportToCanvas({ elements, appState: { exportBackground: false }, files: {} });
  await assertFontsLoaded(elements);
}

async function exportPng(jsonText, scale) {
  const { elements, appState, files } = await loadScene(jsonText);
  await loadFonts(elements);
  const blob = await exportToBlob({
    elements,
    appState: { ...appState, exportBackground: true },
    files,
    mimeType: "image/png",
    // exportToBlob ignores appState.exportScale; the scale goes through getDimensions.
    getDimensions: (width, height) => ({ width: width * scale, height: height * scale, scale }),
  });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

// Widths as Excalidraw measures a new text element (newTextElement -> measureText ->
// canvas measureText with getFontString), after its fonts are loaded.
async function measureText(texts, fontFamily, fontSize) {
  const make = () =>
    convertToExcalidrawElements(
      texts.map((text, i) => ({ type: "text", id: `measure-${i}`, x: 0, y: 0, text, fontFamily, fontSize })),
      { regenerateIds: false },
    );
  await loadFonts(make());
  // Measured again now that the fonts are in: the first pass may have used a fallback.
  return make().map((element) => element.width);
}

let mermaidModule = null;

async function parseMermaid(text) {
  if (mermaidModule === null) {
    // Loaded on first use so that the Excalidraw checks do not pay for Mermaid.
    mermaidModule = (await import("mermaid")).default;
    mermaidModule.initialize({ startOnLoad: false });
  }
  try {
    await mermaidModule.parse(text);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String(error?.message ?? error) };
  }
}

// The index keys Excalidraw itself assigns to n new elements in order: restore gives
// elements without an index fresh keys through fractional-indexing's
// generateNKeysBetween(undefined, undefined, n) (syncInvalidIndices).
async function fractionalKeys(n) {
  const elements = Array.from({ length: n }, (_, i) => ({
    type: "rectangle",
    id: `key-${i}`,
    x: 0,
    y: 0,
    width: 1,
    height: 1,
  }));
  const restored = restoreElements(elements, null);
  restored.forEach((element, i) => {
    if (element.id !== `key-${i}`) throw new Error(`restore reordered elements: ${element.id} at ${i}`);
  });
  return restored.map((element) => element.index);
}

Object.assign(window, { restoreScene, exportPng, measureText, parseMermaid, fractionalKeys });
window.harnessReady = true;
