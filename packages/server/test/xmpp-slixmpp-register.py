"""A new user with slixmpp (Debian python3-slixmpp) for the XMPP interop tests.

Usage: xmpp-slixmpp-register.py PORT JID PASSWORD PEER_JID
Signs up JID with PASSWORD by in-band registration (XEP-0077, over STARTTLS with
the self-signed certificate accepted), logs in with it, puts PEER_JID on its roster
with the name "Pal" and the groups "Friends" and "Chess club" (RFC 6121 2.3), waits
for the roster push, reads the roster back and exits 0. Prints JSON lines
({"event": ...}); a refused registration prints its condition and text and exits 1,
as does anything else after 20 s.
"""
import asyncio
import json
import ssl
import sys

import slixmpp
from slixmpp.exceptions import IqError


def emit(**fields):
    print(json.dumps(fields), flush=True)


class NewUser(slixmpp.ClientXMPP):
    def __init__(self, jid, password, peer):
        super().__init__(jid, password)
        self.peer = peer
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0066")
        self.register_plugin("xep_0077", {"force_registration": True})
        # COMPAT: slixmpp 1.8.3 (Debian 12) holds back every IQ before the session starts,
        # its own XEP-0077 plugin's included, so in-band registration never leaves the
        # client. Let stanzas through until the session starts, as the plugin expects.
        self._always_send_everything = True
        self.add_event_handler("session_start", self.stop_passthrough)
        self.done = asyncio.get_event_loop().create_future()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("register", self.register)
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("roster_update", self.on_push)
        self.add_event_handler("failed_auth", lambda _e: self.finish(False, "failed_auth"))
        self.pushed = asyncio.get_event_loop().create_future()

    async def register(self, form):
        fields = [f for f in ("username", "password") if form["register"][f] is not None]
        emit(event="form", fields=sorted(fields), instructions=form["register"]["instructions"])
        iq = self.Iq()
        iq["type"] = "set"
        iq["register"]["username"] = self.boundjid.user
        iq["register"]["password"] = self.password
        try:
            await iq.send()
            emit(event="registered", username=self.boundjid.user)
        except IqError as error:
            emit(
                event="register_error",
                condition=error.iq["error"]["condition"],
                type=error.iq["error"]["type"],
                text=error.iq["error"]["text"],
            )
            self.finish(False, "register_error")

    def stop_passthrough(self, _event):
        self._always_send_everything = False

    def on_push(self, iq):
        if not self.pushed.done():
            self.pushed.set_result(True)

    async def start(self, _event):
        emit(event="session_start", jid=str(self.boundjid))
        await self.get_roster()
        self.send_presence()
        await self.update_roster(self.peer, name="Pal", groups=["Friends", "Chess club"])
        await asyncio.wait_for(self.pushed, 10)
        # With roster versioning the answer is empty when the pushed version is current
        # (RFC 6121 2.6.3): the client's own roster, kept from the pushes, is what it shows.
        answer = await self.get_roster()
        emit(event="roster_answer", items=len(answer["roster"]["items"]), ver=answer["roster"]["ver"] or None)
        for jid in self.client_roster:
            item = self.client_roster[jid]
            emit(event="roster", jid=str(jid), name=item["name"], groups=sorted(item["groups"]))
        self.finish(True, "done")

    def finish(self, ok, reason):
        if not self.done.done():
            self.done.set_result((ok, reason))


async def main():
    port, jid, password, peer = sys.argv[1:5]
    bot = NewUser(jid, password, peer)
    bot.connect(("127.0.0.1", int(port)))
    try:
        ok, reason = await asyncio.wait_for(bot.done, 20)
    except asyncio.TimeoutError:
        ok, reason = False, "timeout"
    emit(event="done", ok=ok, reason=reason)
    bot.disconnect()
    await asyncio.sleep(0.2)
    sys.exit(0 if ok else 1)


asyncio.run(main())
