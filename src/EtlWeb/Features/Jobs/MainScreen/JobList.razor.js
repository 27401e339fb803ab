// Scrolls the virtualized job list so the row at `index` sits in the middle: the row may not be rendered yet.
export function reveal(container, index, rowHeight) {
  const top = index * rowHeight - (container.clientHeight - rowHeight) / 2;
  container.scrollTop = Math.max(0, top);
}

// Arrow keys move the selection from the focused row to the next or previous one. Virtualize renders a few rows
// beyond the visible ones and spacers around them, so the neighbour row is in the DOM; scrolling it into view
// makes the virtualizer render the rows after it.
export function attachKeys(container) {
  container.addEventListener('keydown', event => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }

    const row = event.target.closest('[role=row]');
    if (!row || !container.contains(row)) {
      return;
    }

    event.preventDefault();
    const step = event.key === 'ArrowDown' ? r => r.nextElementSibling : r => r.previousElementSibling;
    let next = step(row);
    while (next && next.getAttribute('role') !== 'row') {
      next = step(next);
    }

    if (next) {
      next.focus();
      next.scrollIntoView({ block: 'nearest' });
      next.click();
    }
  });
}
