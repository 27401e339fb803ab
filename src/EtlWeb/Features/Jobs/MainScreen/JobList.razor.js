// Scrolls the virtualized job list so the row at `index` sits in the middle: the row may not be rendered yet.
export function reveal(container, index, rowHeight) {
  const top = index * rowHeight - (container.clientHeight - rowHeight) / 2;
  container.scrollTop = Math.max(0, top);
}
