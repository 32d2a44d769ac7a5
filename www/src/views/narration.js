// A scenario's narration: the step, its text, a failed expectation or a line that could
// not run, and Back, Continue,
// "Back to the script". Shown when the cluster follows a script and the host wants it.

import { htmlEl } from '../dom.js';

export function createNarration(box, on) {
  const stepNo = htmlEl('p', 'rc-stepno', box);
  const text = htmlEl('p', 'rc-text', box);
  const fail = htmlEl('p', 'rc-fail', box);
  const nav = htmlEl('div', 'rc-nav', box);
  const mk = (cls, t, title = '') => {
    const b = htmlEl('button', cls, nav, t);
    b.type = 'button';
    if (title) b.title = title;
    return b;
  };
  const back = mk('rc-back', 'Back');
  const toScript = mk('rc-toscript', 'Back to the script', 'Undo your changes: return to this step of the script');
  const cont = mk('rc-continue', 'Continue');
  // Back and Continue are turned off with aria-disabled, not `disabled`: a disabled button
  // drops the focus to <body>, and Continue pressed from the keyboard is off while its
  // step plays (Back, on the first step): the focus stays on it, and Enter works again
  // once the step is reached.
  const isOff = (b) => b.getAttribute('aria-disabled') === 'true';
  const setOff = (b, off) => {
    if (isOff(b) === off) return;
    if (off) b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
  };
  back.addEventListener('click', () => { if (!isOff(back)) on.back(); });
  cont.addEventListener('click', () => { if (!isOff(cont)) on.continue(); });
  toScript.addEventListener('click', () => on.toScript());

  const put = (el, t) => { if (el.textContent !== t) el.textContent = t; };

  /** s: the script state (or null), off: the reader changed the run, show: wanted. */
  function update(s, { off, show, backTarget }) {
    box.hidden = !(s && show);
    if (box.hidden) return;
    const ended = s.finished;
    const many = (n) => `${n} step${n === 1 ? '' : 's'}`;
    let head, body;
    if (s.error) {
      // A line that could not run (a refused command: no leader to crash) stops the
      // script where it is; the cluster runs on. Not an expectation that failed.
      head = s.steps === 0 ? 'The script stopped' : `The script stopped before step ${Math.min(s.step + 1, s.steps)} of ${s.steps}`;
      body = s.step > 0 ? s.text : '';
    } else if (s.steps === 0) {
      head = ended ? 'The script has run to its end' : 'The script is running';
      body = '';
    } else if (s.lookingBack) {
      // The run moved back before the pause the script reached: the moment looked at is
      // told, whether the clock runs or not (Continue plays the script's run on from here).
      head = s.waiting ? `Step ${s.step} of ${s.steps}`
        : s.step >= 1 ? `After step ${s.step} of ${s.steps}` : `Before step 1 of ${s.steps}`;
      body = s.step >= 1 ? s.text : '';
    } else if (ended) {
      head = `End of the script (${many(s.steps)})`;
      body = s.text;
    } else if (s.waiting) {
      head = `Step ${s.step} of ${s.steps}`;
      body = s.text;
    } else {
      head = `Step ${Math.min(s.step + 1, s.steps)} of ${s.steps}: playing…`;
      body = s.step > 0 ? s.text : 'Watch: the script plays up to its first stop.';
    }
    if (off) head += ' · you changed the cluster';
    else if (s.lookingBack) head += ` · looking back (the script is at step ${s.lookingBack})`;
    put(stepNo, head);
    put(text, body);
    const said = [];
    if (s.failures.length) said.push(`Expectation failed: ${s.failures.join('; ')}.`);
    if (s.error) said.push(`The script stopped at ${s.error}; the cluster runs on without it.`);
    fail.hidden = said.length === 0 || off;
    put(fail, said.join(' '));
    box.classList.toggle('playing', !s.waiting && !ended && !s.error && !s.lookingBack);
    box.classList.toggle('off-script', off);
    setOff(back, backTarget < 1);
    setOff(cont, ended || (!s.waiting && !off && !s.lookingBack));
    put(cont, s.waiting && s.step >= s.steps ? 'Continue to the end' : 'Continue');
    // Looking back, the same button goes back to where the script is.
    const label = off ? 'Back to the script' : `Back to step ${s.lookingBack}`;
    put(toScript, label);
    toScript.title = off ? 'Undo your changes: return to this step of the script' : 'Return to where the script is';
    const shown = off || !!s.lookingBack;
    if (toScript.hidden !== !shown) {
      // Back to the script goes once used: the focus on it goes to Continue, the next move.
      const had = toScript.getRootNode().activeElement === toScript;
      toScript.hidden = !shown;
      if (had && toScript.hidden) cont.focus({ preventScroll: true });
    }
  }
  return { update };
}
