// The keyboard's way to what a view draws on a canvas (the cluster's messages in flight,
// the diagram's arrows): a chip button. While the keyboard walks from it the clock holds;
// the arrow keys move, Enter acts on the one chosen, Escape ends the walk and lets the
// clock go but keeps the focus on the chip (an arrow key walks again), and so does leaving.

const STEPS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/**
 * chip: the button. move(step): to the next (1) or previous (-1) thing. act(ev): Enter or
 * Delete pressed; true when it acted. end(): the walk ended (forget the chosen one).
 * hold(on): the clock held while walking, let go after.
 */
export function keyWalk(chip, { move, act, end, hold }) {
  let walking = false;
  const start = () => {
    if (walking) return;
    walking = true;
    hold(true);
  };
  const stop = () => {
    if (!walking) return;
    walking = false;
    end();
    hold(false);
  };
  chip.addEventListener('focus', start);
  chip.addEventListener('blur', stop);
  chip.addEventListener('keydown', (ev) => {
    const step = STEPS[ev.key];
    if (step) {
      start();
      move(step);
    } else if (ev.key === 'Enter' || ev.key === 'Delete') {
      if (!act(ev)) return;
    } else if (ev.key === 'Escape' && walking) stop();
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  });
}
