"""A slixmpp (Debian python3-slixmpp) client that catches up the way a phone does after
a night offline, for the stored-text tests.

Usage: xmpp-slixmpp-catchup.py PORT JID PASSWORD PEER_JID ROOM_JID
Logs in (SCRAM-SHA-1 over STARTTLS, self-signed certificate accepted), reads its
roster, PEER_JID's vCard, its whole personal archive (XEP-0313) and joins ROOM_JID
(XEP-0045, with history), then pings the server to prove the stream is still up.
Prints JSON lines ({"event": ...}) on stdout, "disconnected" if the server or the
XML parser ends the stream, and exits 0 only when every step ran on one stream.
"""
import asyncio
import json
import ssl
import sys

import slixmpp


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Bot(slixmpp.ClientXMPP):
    def __init__(self, jid, password, peer, room):
        super().__init__(jid, password, plugin_config={"feature_mechanisms": {"use_mech": "SCRAM-SHA-1"}})
        self.peer = peer
        self.room = room
        for plugin in ("xep_0030", "xep_0045", "xep_0054", "xep_0059", "xep_0199", "xep_0313"):
            self.register_plugin(plugin)
        self.done = asyncio.get_event_loop().create_future()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("groupchat_message", self.on_groupchat)
        self.add_event_handler("groupchat_subject", self.on_subject)
        self.add_event_handler("changed_status", self.on_status)
        self.add_event_handler("disconnected", lambda _e: self.finish(False, "disconnected"))
        self.add_event_handler("failed_auth", lambda _e: self.finish(False, "failed_auth"))

    async def start(self, _event):
        try:
            self.send_presence()
            roster = await self.get_roster()
            for jid, item in roster["roster"]["items"].items():
                emit(event="roster", jid=str(jid), name=item["name"])
            vcard = await self.plugin["xep_0054"].get_vcard(self.peer)
            emit(event="vcard", fn=vcard["vcard_temp"]["FN"])
            async for result in self.plugin["xep_0313"].iterate(rsm={"max": 2}):
                inner = result["mam_result"]["forwarded"]["stanza"]
                emit(event="archived", sender=inner["from"].bare, body=inner["body"])
            info = await self.plugin["xep_0030"].get_info(jid=self.room)
            names = [identity[3] for identity in info["disco_info"]["identities"]]
            emit(event="room_info", name=names[0] if names else None)
            await self.plugin["xep_0045"].join_muc_wait(self.room, "catcher", maxstanzas=20, timeout=10)
            emit(event="joined")
            await asyncio.sleep(0.5)
            await self.plugin["xep_0199"].ping(self.boundjid.host, timeout=5)
            emit(event="alive")
            self.finish(True, "caught up")
        except Exception as error:  # any failed step fails the run, with its reason
            self.finish(False, f"{type(error).__name__}: {error}")

    def on_groupchat(self, msg):
        if msg["body"]:
            emit(event="room_message", body=msg["body"], delayed=bool(msg["delay"]["stamp"]))

    def on_subject(self, msg):
        emit(event="subject", subject=msg["subject"])

    def on_status(self, presence):
        if presence["from"].bare == self.peer and presence["status"]:
            emit(event="status", status=presence["status"])

    def finish(self, ok, reason):
        if not self.done.done():
            self.done.set_result((ok, reason))


async def main():
    port, jid, password, peer, room = sys.argv[1:6]
    bot = Bot(jid, password, peer, room)
    bot.connect(("127.0.0.1", int(port)))
    try:
        ok, reason = await asyncio.wait_for(bot.done, 25)
    except asyncio.TimeoutError:
        ok, reason = False, "timeout"
    emit(event="done", ok=ok, reason=reason)
    bot.disconnect()
    await asyncio.sleep(0)
    sys.exit(0 if ok else 1)


asyncio.get_event_loop().run_until_complete(main())
