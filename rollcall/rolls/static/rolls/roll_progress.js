// Roll file page: while the roll loads, ask for its progress every two seconds, show the stage,
// announce it politely when it changes, and reload the page when the load has finished (to show
// what changed or the errors). Without JavaScript the page has a "Refresh" link instead.
const box = document.querySelector("[data-roll-progress]");

if (box) {
  const url = box.dataset.progressUrl;
  const live = box.querySelector("[data-live]");
  const stage = box.querySelector('[data-field="stage"]');
  const pupils = box.querySelector('[data-field="pupils"]');
  let said = stage ? stage.textContent : "";

  const poll = async () => {
    let again = true;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (data.finished) {
          again = false;
          if (live) live.textContent = "The roll has been dealt with. Loading the result.";
          window.location.reload();
        } else {
          if (stage) stage.textContent = data.stage;
          if (pupils && data.pupils_total) pupils.textContent = data.pupils_total.toLocaleString("en-GB");
          if (live && data.stage !== said) {
            said = data.stage;
            live.textContent = data.stage;
          }
        }
      }
    } catch {
      // A dropped connection or a busy server: try again at the next tick.
    }
    if (again) window.setTimeout(poll, 2000);
  };

  window.setTimeout(poll, 1000);
}
