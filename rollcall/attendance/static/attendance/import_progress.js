// Attendance import page: while the import runs, poll its JSON (the API) every two seconds and
// update the figures; announce progress politely in steps of a quarter; reload the page when it
// has finished, to show what it stored or the errors. Without JavaScript the page has a
// "Refresh" link instead.
const box = document.querySelector("[data-import-progress]");

if (box) {
  const url = box.dataset.statusUrl;
  const unit = box.dataset.unit || "rows";
  const live = box.querySelector("[data-live]");
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  const number = (n) => Math.round(n).toLocaleString("en-GB");
  const running = new Set(["queued", "running"]);
  const labels = { queued: "Waiting to start", running: "Importing" };
  let announced = -1;

  const duration = (seconds) => {
    if (seconds === null || seconds === undefined) return "not known yet";
    if (seconds < 1) return "less than a second";
    if (seconds < 90) {
      const whole = Math.max(Math.round(seconds), 1);
      return `about ${whole} second${whole === 1 ? "" : "s"}`;
    }
    if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`;
    return `about ${Math.round(seconds / 360) / 10} hours`;
  };

  const show = (data) => {
    const total = Math.max(data.rows_total, data.rows_read);
    const percent = total ? Math.min(100, Math.floor((100 * data.rows_read) / total)) : 0;
    field("status").textContent = labels[data.status] || data.status;
    field("rows").textContent = `${number(data.rows_read)} of about ${number(total)}`;
    field("percent").textContent = String(percent);
    field("rate").textContent = data.rate ? `${number(data.rate)} ${unit} a second` : "not known yet";
    field("left").textContent = duration(data.seconds_left);
    const step = Math.floor(percent / 25);
    if (live && step > announced) {
      announced = step;
      if (data.status === "running") live.textContent = `${percent}% of the file read`;
    }
  };

  const poll = async () => {
    let again = true;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (running.has(data.status)) {
          show(data);
        } else {
          again = false;
          if (live) live.textContent = "The import has finished. Loading the result.";
          window.location.reload();
        }
      }
    } catch {
      // A dropped connection or a busy server: try again at the next tick.
    }
    if (again) window.setTimeout(poll, 2000);
  };

  window.setTimeout(poll, 1000);
}
