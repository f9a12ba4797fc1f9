// The meeting page's countdown to its video room (matchmaking/templates/matchmaking/agenda/
// meeting.html): counts down to `data-opens-at` and reloads the page when the room opens,
// which then holds the call (webinars/static/webinars/video.js).
const countdown = document.getElementById("meeting-countdown");
if (countdown) {
  const opensAt = Date.parse(countdown.dataset.opensAt);
  const template = countdown.dataset.template; // translated by the template
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    const left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
    if (left === 0) {
      window.location.reload();
      return;
    }
    const hours = Math.floor(left / 3600);
    const minutes = Math.floor((left % 3600) / 60);
    const time = hours ? `${hours}:${pad(minutes)}:${pad(left % 60)}` : `${minutes}:${pad(left % 60)}`;
    countdown.textContent = template.replace("{time}", time);
    window.setTimeout(tick, 1000);
  };
  tick();
}
