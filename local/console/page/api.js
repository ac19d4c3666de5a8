// Talks to the pipeline that served this page. State-changing calls carry the per-start token
// the server put in the page; no other site can read it.
const token = document.querySelector('meta[name="local-token"]').content;

/** GET a `/_local/*` path as JSON. */
export async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** POST JSON to a `/_local/*` action. */
export async function post(path, body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-token': token },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message ?? `${path}: ${response.status}`);
  return answer;
}
