// Talking to `netspec serve`: every request carries the per-run token from the page's <meta>.

const token = document.querySelector('meta[name="netspec-token"]').content;

export async function get(path) {
  const response = await fetch(path, { headers: { "X-Netspec-Token": token } });
  return { status: response.status, body: await response.json() };
}

export async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-Netspec-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
