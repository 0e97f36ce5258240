#!/usr/bin/env python3
"""Real mail and file-transfer clients for the STARTTLS samples (samples/make-starttls-samples.sh):
Python's own smtplib, imaplib, poplib and ftplib over its ssl module (Debian's OpenSSL 3.0, so
classical key exchange only). Certificates are not verified: the servers use a throwaway one.

    python3 starttls-clients.py SCENARIO     # smtp-starttls | smtp-plain | imap-starttls | pop3-stls | ftp-auth-tls
"""
import ftplib
import imaplib
import poplib
import smtplib
import ssl
import sys

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
MSG = "Subject: plans\r\n\r\nagent context that must stay secret\r\n"
scenario = sys.argv[1]

if scenario in ("smtp-starttls", "smtp-plain"):
    with smtplib.SMTP("127.0.0.1", 25, local_hostname="client.hndl.test", source_address=("127.0.0.2", 0)) as s:
        s.ehlo()
        if scenario == "smtp-starttls":
            s.starttls(context=ctx)
            s.ehlo()
        s.sendmail("agent@hndl.test", ["team@hndl.test"], MSG)
elif scenario == "imap-starttls":
    m = imaplib.IMAP4("127.0.0.1", 143)
    m.starttls(ssl_context=ctx)
    try:
        m.login("agent", "secret")
    except imaplib.IMAP4.error:
        pass
    m.logout()
elif scenario == "pop3-stls":
    p = poplib.POP3("127.0.0.1", 110)
    p.stls(context=ctx)
    try:
        p.user("agent")
        p.pass_("secret")
    except poplib.error_proto:
        pass
    p.quit()
elif scenario == "ftp-auth-tls":
    f = ftplib.FTP_TLS(context=ctx, source_address=("127.0.0.2", 0))
    f.connect("127.0.0.1", 21)
    f.login("agent", "secret")  # AUTH TLS first, then USER / PASS inside TLS
    f.prot_p()
    f.quit()
else:
    sys.exit(f"unknown scenario {scenario}")
print("done", scenario)
