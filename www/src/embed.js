// embed.html: the iframe form of <raft-cluster>, for hosts that forbid scripts.
// embed.html?nodes=5&seed=42&speed=0.1&prevote=1&checkquorum=1&controls=minimal&scenario-src=…
// Each URL parameter becomes the attribute of the same name, so the element checks it and
// shows the same message for a bad value. The element fills the frame (its height is the
// iframe's unless `height` says otherwise).
import { OPTION_NAMES } from './raft-cluster.js';
import { readQuery } from './settings.js';

const el = document.createElement('raft-cluster');
el.settingsSource = 'parameter'; // its messages name what the host wrote: a URL parameter
const read = readQuery(location.search, OPTION_NAMES, 'parameter');
for (const [k, v] of read.values) el.setAttribute(k, v);
// Fill the frame: the element takes the iframe's height.
if (!el.hasAttribute('height')) el.setAttribute('height', '100vh');
document.getElementById('embed').appendChild(el);
for (const p of read.problems) el.addNote(p);
// For tests and host pages that can reach into the frame (same origin).
window.raftCluster = el;
