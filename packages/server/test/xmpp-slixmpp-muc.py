"""Several slixmpp (Debian python3-slixmpp) occupants of one XEP-0045 room.

Usage: xmpp-slixmpp-muc.py PORT ROOM_JID PASSWORD JID[=NICK] [JID[=NICK]...]
Every JID logs in (SCRAM-SHA-1 over STARTTLS, self-signed certificate accepted) in
one event loop, joins ROOM_JID with NICK (default: its username) and no history (the
xep_0045 plugin's join_muc_wait), and prints {"event": "joined", ...} with its
self-presence's nick and status codes (a presence error: {"event": "join_error",
"condition": ...}, then failure); once all joined it prints {"event": "all_joined"} and each occupant
waits for a groupchat "hello occupants" ({"event": "message", ...}). Exits 0 when
every occupant got it, 1 on failure or after 50 s.
"""
import asyncio
import json
import logging
import os
import ssl
import sys

import slixmpp
import slixmpp.exceptions


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Occupant(slixmpp.ClientXMPP):
    def __init__(self, jid, password, room, nick=None):
        super().__init__(jid, password, plugin_config={"feature_mechanisms": {"use_mech": "SCRAM-SHA-1"}})
        self.room = room
        self.nick = nick or jid.split("@")[0]
        self.register_plugin("xep_0045")
        self.joined = asyncio.get_event_loop().create_future()
        self.got = asyncio.get_event_loop().create_future()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("groupchat_message", self.on_groupchat)
        self.add_event_handler("failed_auth", lambda _e: self.fail("failed_auth"))

    def fail(self, why):
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(why))

    async def start(self, _event):
        self.send_presence()
        try:
            joined = await self.plugin["xep_0045"].join_muc_wait(self.room, self.nick, maxstanzas=0, timeout=40)
            # slixmpp 1.8 answers (self-presence, history); older versions the presence alone.
            presence = joined[0] if isinstance(joined, tuple) else joined
        except slixmpp.exceptions.PresenceError as error:
            emit(event="join_error", jid=self.boundjid.bare, condition=error.condition)
            self.fail(f"join: {error!r}")
            return
        except Exception as error:  # no answer
            self.fail(f"join: {error!r}")
            return
        codes = sorted(presence["muc"]["status_codes"])
        emit(event="joined", jid=self.boundjid.bare, nick=presence["muc"]["nick"], codes=codes)
        self.joined.set_result(True)

    def on_groupchat(self, message):
        if message["body"] == "hello occupants" and not self.got.done():
            emit(event="message", jid=self.boundjid.bare, sender=str(message["from"]))
            self.got.set_result(True)


async def main(port, room, password, jids):
    occupants = []
    for arg in jids:
        jid, _, nick = arg.partition("=")
        occupants.append(Occupant(jid, password, room, nick or None))
    for occupant in occupants:
        occupant.connect(address=("127.0.0.1", port))
    await asyncio.gather(*(o.joined for o in occupants))
    emit(event="all_joined", count=len(occupants))
    await asyncio.gather(*(o.got for o in occupants))
    for occupant in occupants:
        occupant.disconnect()


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("SLIXMPP_LOG", "WARNING"), stream=sys.stderr)
    port, room, password, *jids = sys.argv[1:]
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.wait_for(main(int(port), room, password, jids), 50))
    except Exception as error:
        emit(event="error", error=repr(error))
        sys.exit(1)
    sys.exit(0)
