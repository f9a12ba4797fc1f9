// The video call of a small room (webinars/templates/webinars/room/_video.html): a
// peer-to-peer mesh of up to 8 people, one RTCPeerConnection per other participant.
//
// Signalling goes through the live layer (docs/realtime.md, "Video calls"): the topic
// `webinar_call:<event id>` gives each socket a peer id; the server announces `peer.joined`
// and `peer.left`; everything else is a directed signal (`"to": <peer id>`): `hello` (I am
// here, and my media state), `offer` / `answer` (`{description}`), `ice` (`{candidates}`,
// batched) and `media` (`{audio, video, screen}`). Negotiation follows the "perfect
// negotiation" pattern: toward a peer we heard of by `peer.joined` we are the impolite side
// (we were in the call first), toward one that said `hello` to us the polite side, so both
// sides know their role without comparing ids, and an offer collision never deadlocks.
//
// A socket that reconnects is a new peer: on "offline" every connection is closed (the
// others got `peer.left`), and live.js resubscribes, which announces us again.
import { live } from "../js/live.js";

const gettext = window.gettext || ((text) => text);
const ngettext = window.ngettext || ((one, other, n) => (n === 1 ? one : other));
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));

const ICE_BATCH_MS = 60; // candidates gathered within this time travel in one signal
const OFFER_WAIT_MS = 5000; // the polite side offers itself if no offer came by then
// The panel is all it needs (`data-call-api`, `data-user-id`), so a matchmaking meeting's
// page can hold the same call with its own endpoint and topic.
const panel = document.getElementById("room-video");
if (panel && panel.dataset.callApi) init(panel);

function init(panel) {
  const $ = (id) => document.getElementById(id);
  const callApi = panel.dataset.callApi;
  const me = Number(panel.dataset.userId);
  const grid = $("room-video-grid");
  const selfTile = $("room-video-self");
  const status = $("room-video-status");
  const liveRegion = $("room-video-live");
  const buttons = {
    join: $("room-video-join"),
    mic: $("room-video-mic"),
    camera: $("room-video-camera"),
    screen: $("room-video-screen"),
    leave: $("room-video-leave"),
  };
  const canShare = Boolean(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);

  let topic = null;
  let stop = null; // unsubscribes from the call topic
  let stream = null; // camera and microphone
  let screenTrack = null;
  let iceServers = [];
  let count = 0;
  const media = { audio: false, video: false, screen: false };
  const peers = new Map(); // peer id -> Peer
  const retries = new Map(); // signal id -> frame (resent once after `rate_limited`)
  let nextId = 0;

  const announce = (text) => {
    const line = document.createElement("p");
    line.textContent = text;
    liveRegion.append(line);
    while (liveRegion.childElementCount > 5) liveRegion.firstElementChild.remove();
  };
  const setStatus = (text) => { status.textContent = text; };
  const setCall = (state) => {
    panel.dataset.call = state;
    const inCall = state === "joined";
    buttons.join.hidden = inCall || state === "joining";
    buttons.leave.hidden = !inCall;
    buttons.mic.hidden = !inCall || !stream || !stream.getAudioTracks().length;
    buttons.camera.hidden = !inCall || !stream || !stream.getVideoTracks().length;
    buttons.screen.hidden = !inCall || !canShare;
  };

  // --- signalling ---------------------------------------------------------------------

  const send = (to, signal, data) => {
    const id = `v${(nextId += 1)}`;
    retries.set(id, { to, signal, data });
    if (retries.size > 200) retries.delete(retries.keys().next().value);
    live.signal(topic, signal, data, { to, id });
  };
  const mediaState = () => ({ ...media });

  const handlers = {
    signal(frame) {
      const from = frame.from;
      if (!from) return;
      switch (frame.signal) {
        case "peer.joined": {
          const peer = ensurePeer(from, frame.user, false);
          peer.greeted = true;
          send(from, "hello", mediaState());
          announce(interpolate(gettext("%(name)s joined the call."), { name: peer.name }, true));
          return;
        }
        case "hello": {
          const known = peers.has(from);
          const peer = ensurePeer(from, frame.user, true);
          if (peer.greeted && !peer.polite) {
            // We both heard the other's `peer.joined` (two joins at the same instant, on
            // two server processes): both would be impolite. The higher user id yields.
            peer.polite = me > Number(frame.user && frame.user.id);
          }
          showMedia(peer, frame.data);
          if (!known) announce(interpolate(gettext("%(name)s is in the call."), { name: peer.name }, true));
          return;
        }
        case "offer":
        case "answer": {
          const peer = ensurePeer(from, frame.user, true);
          onDescription(peer, frame.data && frame.data.description);
          return;
        }
        case "ice": {
          const peer = peers.get(from);
          if (peer) for (const candidate of (frame.data && frame.data.candidates) || []) onCandidate(peer, candidate);
          return;
        }
        case "media": {
          const peer = peers.get(from);
          if (peer) showMedia(peer, frame.data);
          return;
        }
        case "peer.left": {
          const peer = peers.get(from);
          if (peer) {
            announce(interpolate(gettext("%(name)s left the call."), { name: peer.name }, true));
            closePeer(from);
          }
          return;
        }
        default:
      }
    },
    presence(frame) {
      count = frame.count;
      if (panel.dataset.call === "joined") setStatus(inCallText());
    },
    error(frame) {
      if (frame.code === "rate_limited" && retries.has(frame.id)) {
        const again = retries.get(frame.id);
        retries.delete(frame.id);
        const retry = () => live.signal(topic, again.signal, again.data, { to: again.to, id: frame.id });
        setTimeout(() => { if (stop) retry(); }, (frame.retry_after || 1) * 1000);
        return;
      }
      if (frame.code === "full" || frame.code === "not_found") {
        leave(frame.code === "full" ? frame.message : gettext("You cannot take part in this call."));
      }
    },
    revoked() {
      leave(gettext("You can no longer take part in this call."));
    },
  };

  const inCallText = () => interpolate(
    ngettext("You are in the call: %(n)s person.", "You are in the call: %(n)s people.", count),
    { n: count },
    true,
  );

  // --- peers ----------------------------------------------------------------------------

  function ensurePeer(id, user, polite) {
    let peer = peers.get(id);
    if (peer) return peer;
    const name = (user && user.name) || gettext("Someone");
    const pc = new RTCPeerConnection({ iceServers });
    peer = {
      id,
      name,
      pc,
      polite,
      greeted: false,
      makingOffer: false,
      ignoreOffer: false,
      ice: [],
      iceTimer: null,
      tile: null,
      tracksAdded: false,
      fallback: null,
    };
    peers.set(id, peer);
    peer.tile = addTile(peer);
    if (polite) {
      // The one who was there first offers. Our tracks join its offer's transceivers when
      // we answer (`addTracks` in onDescription), so the set-up has no offer collision;
      // should its offer never come, we offer ourselves.
      peer.fallback = setTimeout(() => addTracks(peer), OFFER_WAIT_MS);
    } else {
      addTracks(peer);
    }

    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        send(id, pc.localDescription.type, { description: pc.localDescription.toJSON() });
      } catch (error) {
        console.error(error);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      peer.ice.push(candidate.toJSON());
      if (!peer.iceTimer) {
        peer.iceTimer = setTimeout(() => {
          peer.iceTimer = null;
          const candidates = peer.ice.splice(0);
          if (candidates.length && peers.get(id) === peer) send(id, "ice", { candidates });
        }, ICE_BATCH_MS);
      }
    };
    pc.ontrack = ({ track, streams }) => {
      const video = peer.tile.querySelector("video");
      const remote = streams[0] || video.srcObject || new MediaStream();
      if (!streams[0]) remote.addTrack(track);
      if (video.srcObject !== remote) video.srcObject = remote;
    };
    pc.oniceconnectionstatechange = () => { peer.tile.dataset.ice = pc.iceConnectionState; };
    pc.onsignalingstatechange = () => { peer.tile.dataset.signaling = pc.signalingState; };
    pc.onconnectionstatechange = () => {
      peer.tile.dataset.state = pc.connectionState;
      if (pc.connectionState === "failed") pc.restartIce(); // e.g. the network changed
    };
    return peer;
  }

  function addTracks(peer) {
    clearTimeout(peer.fallback);
    if (peer.tracksAdded || peers.get(peer.id) !== peer) return;
    peer.tracksAdded = true;
    const { pc } = peer;
    if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream);
    else if (!pc.getTransceivers().length) {
      // Without camera or microphone we still receive theirs.
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    if (screenTrack) replaceVideo(peer, screenTrack);
  }

  async function onDescription(peer, description) {
    if (!description || !description.type) return;
    const { pc } = peer;
    try {
      const collision = description.type === "offer"
        && (peer.makingOffer || pc.signalingState !== "stable");
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) return;
      await pc.setRemoteDescription(description); // the polite side rolls back implicitly
      if (description.type === "offer") {
        addTracks(peer); // before answering: they ride on the offer's transceivers
        await pc.setLocalDescription();
        send(peer.id, "answer", { description: pc.localDescription.toJSON() });
      }
    } catch (error) {
      console.error(error);
    }
  }

  async function onCandidate(peer, candidate) {
    try {
      await peer.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!peer.ignoreOffer) console.error(error);
    }
  }

  function closePeer(id) {
    const peer = peers.get(id);
    if (!peer) return;
    peers.delete(id);
    clearTimeout(peer.iceTimer);
    clearTimeout(peer.fallback);
    peer.pc.close();
    peer.tile.remove();
  }

  function addTile(peer) {
    const tile = document.createElement("li");
    tile.className = "video-tile";
    tile.dataset.peer = peer.id;
    tile.dataset.state = "new";
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("aria-hidden", "true");
    const avatar = document.createElement("span");
    avatar.className = "video-avatar";
    avatar.setAttribute("aria-hidden", "true");
    avatar.textContent = peer.name.trim().charAt(0).toUpperCase();
    const label = document.createElement("p");
    label.className = "video-name";
    const who = document.createElement("span");
    who.className = "video-who";
    who.textContent = peer.name;
    const flags = document.createElement("span");
    flags.className = "video-flags";
    label.append(who, " ", flags);
    tile.append(video, avatar, label);
    grid.append(tile);
    return tile;
  }

  function showMedia(peer, state) {
    if (!state) return;
    peer.tile.classList.toggle("is-camera-off", !state.video && !state.screen);
    peer.tile.classList.toggle("is-screen", Boolean(state.screen));
    peer.tile.querySelector(".video-flags").textContent = flagText(state);
  }

  function flagText(state) {
    const parts = [];
    if (!state.audio) parts.push(gettext("microphone off"));
    if (!state.video && !state.screen) parts.push(gettext("camera off"));
    if (state.screen) parts.push(gettext("sharing the screen"));
    return parts.length ? `(${parts.join(", ")})` : "";
  }

  function broadcastMedia() {
    selfTile.classList.toggle("is-camera-off", !media.video && !media.screen);
    selfTile.classList.toggle("is-screen", media.screen);
    selfTile.querySelector(".video-flags").textContent = flagText(media);
    for (const id of peers.keys()) send(id, "media", mediaState());
  }

  // --- joining and leaving ----------------------------------------------------------------

  async function openMedia() {
    const tries = [{ audio: true, video: { width: 640, height: 360 } }, { audio: true }];
    for (const constraints of tries) {
      try {
        return await navigator.mediaDevices.getUserMedia(constraints);
      } catch {
        // next: without the camera
      }
    }
    return null;
  }

  async function join() {
    if (stop) return;
    setCall("joining");
    setStatus(gettext("Joining the call…"));
    let call;
    try {
      const response = await fetch(callApi, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      call = await response.json();
    } catch {
      setCall("idle");
      setStatus(gettext("The call could not be reached; try again."));
      return;
    }
    if (call.full) {
      setCall("idle");
      setStatus(interpolate(
        ngettext(
          "The call is full: at most %(n)s person may take part. Try again when someone leaves.",
          "The call is full: at most %(n)s people may take part. Try again when someone leaves.",
          call.capacity,
        ),
        { n: call.capacity },
        true,
      ));
      return;
    }
    topic = call.topic;
    iceServers = call.ice_servers;
    stream = navigator.mediaDevices ? await openMedia() : null;
    media.audio = Boolean(stream && stream.getAudioTracks().length);
    media.video = Boolean(stream && stream.getVideoTracks().length);
    media.screen = false;
    selfTile.hidden = false;
    selfTile.querySelector("video").srcObject = stream;
    setPressed(buttons.mic, false);
    setPressed(buttons.camera, !media.video);
    setPressed(buttons.screen, false);
    broadcastMedia();
    stop = live.subscribe(topic, handlers);
    count = Math.max(count, call.participants + 1);
    setCall("joined");
    setStatus(stream
      ? inCallText()
      : gettext("You are in the call without camera or microphone: the browser gave no access to them."));
    announce(gettext("You joined the call."));
  }

  function leave(reason) {
    if (stop) {
      const unsubscribe = stop;
      stop = null;
      unsubscribe();
    }
    for (const id of [...peers.keys()]) closePeer(id);
    if (screenTrack) screenTrack.stop();
    screenTrack = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    selfTile.hidden = true;
    selfTile.querySelector("video").srcObject = null;
    setCall("idle");
    setStatus(reason || gettext("You left the call."));
    announce(reason || gettext("You left the call."));
  }

  live.addEventListener("status", ({ detail }) => {
    if (!stop) return;
    if (detail === "offline") {
      // Our peer id dies with the socket: the others drop us, we drop them, and the
      // resubscription after the reconnect starts every connection afresh.
      for (const id of [...peers.keys()]) closePeer(id);
      setStatus(gettext("Connection lost; rejoining the call…"));
    } else if (detail === "online") {
      setStatus(inCallText());
    }
  });
  window.addEventListener("pagehide", () => { if (stop) leave(); });

  // --- the buttons -------------------------------------------------------------------------

  function setPressed(button, pressed) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
  }

  function replaceVideo(peer, track) {
    const sender = peer.pc.getSenders().find((s) => s.track && s.track.kind === "video");
    if (sender) sender.replaceTrack(track);
    else if (track) peer.pc.addTrack(track, stream || new MediaStream([track])); // renegotiates
  }

  buttons.join.addEventListener("click", join);
  buttons.leave.addEventListener("click", () => leave());
  buttons.mic.addEventListener("click", () => {
    const track = stream && stream.getAudioTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    media.audio = track.enabled;
    setPressed(buttons.mic, !track.enabled);
    broadcastMedia();
    announce(track.enabled ? gettext("Microphone on.") : gettext("Microphone off."));
  });
  buttons.camera.addEventListener("click", () => {
    const track = stream && stream.getVideoTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    media.video = track.enabled;
    setPressed(buttons.camera, !track.enabled);
    broadcastMedia();
    announce(track.enabled ? gettext("Camera on.") : gettext("Camera off."));
  });
  buttons.screen.addEventListener("click", async () => {
    if (screenTrack) {
      stopSharing();
      return;
    }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      screenTrack = display.getVideoTracks()[0];
    } catch {
      return; // the person cancelled the browser's picker
    }
    screenTrack.addEventListener("ended", stopSharing);
    for (const peer of peers.values()) replaceVideo(peer, screenTrack);
    selfTile.querySelector("video").srcObject = new MediaStream([screenTrack]);
    media.screen = true;
    setPressed(buttons.screen, true);
    broadcastMedia();
    announce(gettext("You are sharing your screen."));
  });

  function stopSharing() {
    if (!screenTrack) return;
    const camera = stream && stream.getVideoTracks()[0];
    screenTrack.stop();
    screenTrack = null;
    for (const peer of peers.values()) {
      const sender = peer.pc.getSenders().find((s) => s.track && s.track.kind === "video");
      if (sender) sender.replaceTrack(camera || null);
    }
    selfTile.querySelector("video").srcObject = stream;
    media.screen = false;
    setPressed(buttons.screen, false);
    broadcastMedia();
    announce(gettext("You stopped sharing your screen."));
  }
}
