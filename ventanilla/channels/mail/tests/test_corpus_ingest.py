"""The whole .eml corpus through ``ingest_raw``, one fresh database per file.

``CASES`` lists every fixture in ``fixtures/mail/`` (a guard test fails when
one is missing) with what ingesting it into the Finanzas mailbox must give:
the outcome, the subject and sender stored on the raw message, a snippet of
the body, and the names of the attachments stored on the ticket.

How a case is set up:

* ``after``: fixtures ingested first, in order, each expected to end as its
  own row in the table says. A reply is ``appended`` to (and an auto-reply
  ``attached`` to) the ticket of the LAST of them. A fixture listed in
  ``after`` has no ``after`` of its own.
* ``agent_reply``: once the ``after`` fixtures are in, an agent answers that
  ticket and the outgoing message is given this Message-ID, as
  ``outbound.py`` stores it before sending; replies, auto-replies and bounces
  of that answer refer to it.
* Subject tokens: a fresh database numbers its first ticket
  ``VENTANILLA_FIRST_TICKET_NUMBER`` (10001), so a fixture whose subject says
  ``[#10001]`` replies to the ticket its first ``after`` fixture opened.
* ``settings``: overridden for the case only (a low storm threshold).

Where to look for the snippet: for ``created`` and ``appended``, the new text
of the stored ticket message; for ``suppressed``, the body parsed from the
stored raw bytes (no ticket message is made); for ``duplicate``, the message
stored by the first delivery; ``None`` for ``quarantined``. A ``created``
case with the snippet ``""`` and no attachments has no body at all: its
ticket is opened with the subject only, without a message.

A case with ``bug`` documents a defect found with this corpus: it is a strict
xfail, so fixing the product turns it into a failure until the mark goes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.utils.translation import gettext

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import InboundMessage, Outcome, Via
from ventanilla.channels.mail.parsing import parse, raw_sha256
from ventanilla.channels.mail.tests.support import all_fixture_names, fixture_bytes
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.attachments import safe_filename
from ventanilla.tickets.models import Attachment, MessageKind, Ticket

CREATED = "created"
APPENDED = "appended"
SUPPRESSED = "suppressed"
QUARANTINED = "quarantined"
DUPLICATE = "duplicate"

P1 = "investor_addition_request_gmail_es.eml"
P2 = "institutional_investor_capital_call_outlook_en.eml"
P3 = "plain_text_qp_utf8.eml"
# The agent's answer on P1's ticket (10001), as Ventanilla numbers it.
OUR_REPLY = "<ventanilla.10001.2@generafactoring.pe>"
STORM = ("VENTANILLA_MAIL_STORM_MAX", 3)
ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

HUGE_SUBJECT = ("Consulta sobre" + " liquidación" * 100)[:300]
_INVOICES = "_".join(f"F001-{n:05d}" for n in range(1, 40))
_CESSIONS = "_".join(f"cesión_Nº{n}_año_{2000 + n}" for n in range(1, 12))
# Cut to 200 characters by parsing._safe_filename, keeping the extension.
LONG_ASCII_NAME = f"Liquidacion_{_INVOICES}"[:196] + ".pdf"
LONG_ACCENTED_NAME = f"Liquidación_{_CESSIONS}"[:196] + ".pdf"
CJK_NAME = (
    "宁波恒达进出口贸易有限公司_形式发票_PI-2025-0412_秘鲁客户_Genera_Factoring_"
    "付款确认书_第三批货物_集装箱编号_MSKU1234567_提单号_NGB2025041200_"
    "关于秘鲁利马保理公司应收账款融资业务的付款确认及相关单据汇总说明_原件扫描.pdf"
)


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str
    subject: str
    sender: str
    snippet: str | None
    attachments: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    agent_reply: str | None = None
    # A suppressed message is stored against the ticket of the last `after`.
    attached: bool = False
    # Part of InboundMessage.reason: an English msgid, matched as it is or
    # translated, after filling in ``reason_args``.
    reason: str = ""
    reason_args: dict[str, object] | None = None
    # Part of the quoted text folded away from the stored message.
    quoted: str | None = None
    settings: tuple[tuple[str, object], ...] = ()
    # A defect this case shows: strict xfail (on one database vendor if set).
    bug: str | None = None
    bug_on: str | None = None


# fmt: off
CASES = [
    # ---------------------------------------------------------- investors
    Case(P1, CREATED, "Adición de inversión - abril", "jorge.salas@andinas.example",
         "Quisiera adicionar S/ 100,000 a mi inversión", quoted="Gerente General"),
    Case("investor_reply_in_reply_to_gmail_es.eml", APPENDED,
         "Re: Adición de inversión - abril", "jorge.salas@andinas.example",
         "Adjunto la constancia de la transferencia por S/ 100,000.",
         ("Constancia_transferencia_BCP_07-04-2025.pdf",), after=(P1,),
         quoted="> Quisiera adicionar S/ 100,000"),
    Case("investor_colleague_reply_references_only_outlook_es.eml", APPENDED,
         "RE: Adición de inversión - abril", "maria.torres@andinas.example",
         "la adición fue aprobada por el directorio", after=(P1,),
         quoted="Enviado: lunes, 7 de abril de 2025 09:12"),
    Case("stranger_reply_in_reply_to_hijack_attempt.eml", CREATED,
         "Re: Adición de inversión - abril", "tesoreria@andinas-pagos.example",
         "actualicen la cuenta de abono", after=(P1,)),
    Case("investor_reply_subject_token_only_es.eml", APPENDED,
         "RE: [#10001] Adición de inversión - abril", "jorge.salas@andinas.example",
         "¿ya tienen el cronograma de la adición?", after=(P1,)),
    Case("investor_reply_unknown_ticket_token_es.eml", CREATED,
         "RE: [#99999] Liquidacion de marzo", "jorge.salas@andinas.example",
         "Sigo sin recibir la liquidacion de marzo."),
    Case("investor_reply_to_agent_message_gmail_es.eml", APPENDED,
         "Re: Adición de inversión - abril", "jorge.salas@andinas.example",
         "Firmo el cronograma y lo envío hoy.", after=(P1,), agent_reply=OUR_REPLY,
         quoted="le enviamos el cronograma"),
    Case("ooo_reply_to_agent_message_exchange_es.eml", SUPPRESSED,
         "Respuesta automática: Re: Adición de inversión - abril [#10001]",
         "jorge.salas@andinas.example", "Me encuentro de viaje hasta el 21 de abril",
         after=(P1,), agent_reply=OUR_REPLY, attached=True,
         reason="auto_reply: out-of-office subject"),
    Case("bounce_of_agent_reply_postfix.eml", SUPPRESSED,
         "Undelivered Mail Returned to Sender", "mailer-daemon@mail.generafactoring.pe",
         "Mailbox full", after=(P1,), agent_reply=OUR_REPLY, attached=True,
         reason="bounce: delivery status report (DSN)"),
    Case("redelivery_identical_bytes_of_investor_addition.eml", DUPLICATE,
         "Adición de inversión - abril", "jorge.salas@andinas.example",
         "Quisiera adicionar S/ 100,000 a mi inversión", after=(P1,)),
    Case("same_message_id_second_relay_copy.eml", SUPPRESSED,
         "Adición de inversión - abril", "jorge.salas@andinas.example",
         "Quisiera adicionar S/ 100,000 a mi inversión", after=(P1,), attached=False,
         reason="duplicate Message-ID, already in ticket #%(number)s",
         reason_args={"number": 10001}),
    Case(P3, CREATED, "Solicitud de adición de inversión", "jorge.salas@andinas.example",
         "adicionar S/ 50,000 a mi inversión"),
    Case("iphone_reply_es.eml", APPENDED, "Re: [#10042] Solicitud de adición de inversión",
         "jorge.salas@andinas.example", "Perfecto, muchas gracias.", after=(P3,),
         agent_reply="<ventanilla.10042.5@generafactoring.pe>"),
    Case("gmail_reply_alternative_es.eml", APPENDED,
         "Re: [#10042] Solicitud de adición de inversión", "jorge.salas@andinas.example",
         "Ya hice la transferencia", after=(P3,),
         agent_reply="<ventanilla.10042.1@generafactoring.pe>", quoted="escribió:"),
    Case("out_of_office_no_header_es.eml", SUPPRESSED,
         "RE: [#10042] Solicitud de adición de inversión", "jorge.salas@andinas.example",
         "Estaré fuera de la oficina", after=(P3,),
         agent_reply="<ventanilla.10042.4@generafactoring.pe>", attached=True,
         reason="auto_reply: out-of-office text"),
    # An empty body opens a ticket with an empty message (snippet "").
    Case("subject_only_request_no_body.eml", CREATED, "Estado de cuenta mayo",
         "ana.rojas@andinas.example", ""),
    Case("reply_to_own_subject_only_message_with_detail.eml", APPENDED,
         "Re: Estado de cuenta mayo", "ana.rojas@andinas.example",
         "necesito el estado de cuenta de mayo", after=("subject_only_request_no_body.eml",)),
    Case("payment_proof_attachment_only_no_body.eml", CREATED, "Voucher abono junio",
         "ana.rojas@andinas.example", "", ("Voucher_abono_junio.pdf",)),
    Case("person_mentions_vacation_but_asks_es.eml", CREATED,
         "Abono antes de mis vacaciones", "jorge.salas@andinas.example",
         "¿Pueden adelantar el abono de\nintereses al viernes 16?"),
    Case("no_charset_8bit_utf8.eml", CREATED, "Rescate parcial", "jorge.salas@andinas.example",
         "¿Cuál es el plazo?"),
    Case("base64_broken_padding.eml", CREATED, "Constancia de depósito",
         "jorge.salas@andinas.example", "constancia de depósito de S/ 15,000"),
    Case("calendar_invite.eml", CREATED, "Comité de inversiones, primer trimestre",
         "jorge.salas@andinas.example", "Revisión de la cartera de facturas",
         ("invitacion.ics",)),
    Case("mbox_from_line.eml", CREATED, "Desde un buzón mbox", "jorge.salas@andinas.example",
         "Mensaje exportado desde un archivo mbox."),
    Case("huge_header.eml", CREATED, HUGE_SUBJECT, "jorge.salas@andinas.example",
         "Sigo esperando la respuesta"),
    Case("gmail_forward_inline_es.eml", CREATED, "Fwd: Aviso de retención judicial",
         "jorge.salas@andinas.example",
         "Se ha registrado una retención judicial sobre la cuenta 001-223344"),
    Case("forward_of_forward_nested_rfc822.eml", CREATED, "Fwd: Fwd: Estado de cuenta abril",
         "jorge.salas@andinas.example", "el estado de cuenta del banco, reenviado por Ana",
         ("Fwd__Estado_de_cuenta_abril.eml",)),
    Case("sender_old_style_comment_address.eml", CREATED, "Certificado de retenciones 2024",
         "jorge.salas@andinas.example", "certificado de retenciones del 2024"),
    Case("bcc_to_mailbox_not_in_recipients.eml", CREATED, "Informe para auditoria",
         "jorge.salas@andinas.example", "copia oculta a Genera"),
    Case("payment_proof_iphone_heic_apple_mail.eml", CREATED, "Constancia de abono",
         "ana.rojas@andinas.example", "Les envío la foto de la constancia de abono.",
         ("IMG_4021.HEIC",), quoted="Enviado desde mi iPhone"),
    Case("apple_mail_text_around_image.eml", CREATED, "Captura del error",
         "ana.rojas@andinas.example", "Antes de la imagen.\n\nDespues de la imagen.",
         ("pantalla.png",)),
    Case("bare_lf_line_endings.eml", CREATED, "Cambio de cuenta bancaria",
         "ana.rojas@andinas.example", "Nueva cuenta: Interbank 200-3001234567."),
    Case("mixed_line_endings.eml", CREATED, "Cambio de correo de contacto",
         "ana.rojas@andinas.example", "ana.rojas@andinas.example\npara las"),
    Case("unknown_charset_name.eml", CREATED, "No puedo ingresar a la plataforma",
         "ana.rojas@andinas.example", "error de contraseña. Ya intenté"),
    Case("subject_missing_header.eml", CREATED, "", "ana.rojas@andinas.example",
         "necesito mi constancia de inversión"),
    Case("subject_emoji_encoded_words.eml", CREATED, "🚨 Urgente 💰 abono pendiente",
         "ana.rojas@andinas.example", "no llegó 😟"),
    Case("calendar_cancel_gmail_es.eml", CREATED,
         "Evento cancelado: Firma de adenda @ jue 5 jun 2025 10:00 (GMT-5)",
         "ana.rojas@andinas.example",
         "Evento cancelado: Firma de adenda — 05/06/2025 15:00 UTC (Oficina Genera, San Isidro)",
         ("invitacion.ics", "invite.ics")),
    Case("attachments_rfc2231_filenames.eml", CREATED, "Documentos para la adenda",
         "rosa.linares@andinas.example", "documentos firmados para la adenda",
         ("Liquidación_marzo_2025.pdf", "Adenda_Nº_3_al_contrato_de_inversión_firmada.pdf",
          "Cronograma_de_pagos_ñandú.xlsx", "passwd", "facturafdp.exe")),
    Case("latin1_label_cp1252_quotes.eml", CREATED, "Constancia de retención",
         "maria.torres@andinas.example", "la “constancia de retención” del mes"),
    Case("outlook_reply_spanish.eml", CREATED, "RE: [#10070] FIN: estado de cuenta marzo",
         "maria.torres@andinas.example", "¿Podrían enviarme el estado de cuenta",
         quoted="Adjuntamos la liquidación de marzo."),
    Case("long_thread_outlook_quoted_history_es.eml", CREATED,
         "RE: RE: RE: Liquidacion adicional", "maria.torres@andinas.example",
         "quedamos atentos a la liquidación adicional", quoted="¿Cuándo estará lista?"),
    Case("utf8_declared_but_cp1252_bytes.eml", CREATED, "Estado de cuenta",
         "cmedina@andinas.example", "Señores, solicito el estado de cuenta"),

    # ------------------------------------------------ institutional investors
    Case(P2, CREATED, "Q2 2025 commitment - Genera Factoring receivables fund",
         "s.whitfield@pacificpension.example",
         "approved a USD 2,500,000 commitment", ("IC_approval_memo_-_Genera_Q2_2025.pdf",)),
    Case("institutional_investor_reply_outlook_en.eml", APPENDED,
         "RE: Q2 2025 commitment - Genera Factoring receivables fund",
         "s.whitfield@pacificpension.example",
         "Please find the signed subscription agreement attached.",
         ("Subscription_Agreement_-_signed.pdf",), after=(P2,),
         quoted="attached are the wire instructions"),
    Case("institutional_investor_ddq_thunderbird_en.eml", CREATED,
         "Due diligence questionnaire - receivables program",
         "d.okafor@andeancapital.example", "debtor \nconcentration and historical default",
         ("DDQ_Genera_Factoring_2025.xlsx",)),
    Case("calendar_invite_outlook_request_en.eml", CREATED,
         "Annual review - Genera receivables fund", "s.whitfield@pacificpension.example",
         "Invitación de calendario: Annual review - Genera receivables fund — 10/06/2025 09:00",
         ("invitacion.ics",)),
    Case("ooo_outlook_en_automatic_reply_headers.eml", SUPPRESSED,
         "Automatic reply: Q1 investor letter", "s.whitfield@pacificpension.example",
         "I am out of the office until May 12", reason="auto_reply: Auto-Submitted: auto-replied"),
    Case("dsn_office365_ndr_undeliverable_en.eml", SUPPRESSED,
         "Undeliverable: Q1 investor letter [#10077]", "postmaster@pacificpension.example",
         "couldn't be delivered", reason="bounce: delivery status report (DSN)"),
    Case("english_on_wrote_reply.eml", CREATED, "Re: [#10080] Wire transfer confirmation",
         "mark.evans@fund.example", "Received, thank you."),
    Case("outlook_reply_english.eml", CREATED, "RE: Quarterly investor report",
         "mark.evans@fund.example", "Q1 breakdown by debtor?",
         quoted="please find the report attached"),
    Case("thunderbird_forward_as_attachment_en.eml", CREATED,
         "Fwd: Wire confirmation USD 250,000", "mark.evans@fund.example",
         "Forwarding our custodian's confirmation", ("Wire_confirmation_USD_250000.eml",)),
    Case("apple_mail_forward_inline_en.eml", CREATED, "Fwd: Capital account statement",
         "mark.evans@fund.example", "Closing balance as of April 30: USD 1,254,300.12"),
    Case("calendar_reply_accepted_en.eml", CREATED, "Accepted: Quarterly call with Genera",
         "mark.evans@fund.example",
         "Respuesta a invitación: Quarterly call with Genera — 12/06/2025 15:00 UTC",
         ("invitacion.ics",)),
    Case("out_of_office_en_x_autoreply.eml", SUPPRESSED,
         "Out of Office: Quarterly investor report", "mark.evans@fund.example",
         "I am out of the office until March 28", reason="auto_reply: X-Autoreply header"),
    Case("ooo_no_headers_en_out_of_office_body.eml", SUPPRESSED,
         "RE: Wire transfer instructions", "mark.evans@fund.example",
         "I am currently out of the office", reason="auto_reply: out-of-office text"),
    Case("ooo_no_headers_en_contraction_im_away.eml", SUPPRESSED,
         "RE: Capital account statement", "mark.evans@fund.example",
         "I'm away until Monday 26 May", reason="auto_reply: out-of-office text"),
    Case("read_receipt_mdn_en.eml", SUPPRESSED, "Read: Capital account statement",
         "mark.evans@fund.example", "was read on Tuesday, May 13, 2025",
         reason="auto_reply: read receipt (MDN)"),
    Case("ooo_french_reponse_automatique_no_headers.eml", SUPPRESSED,
         "Réponse automatique : Rapport trimestriel", "c.dubois@investissements.example",
         "Je suis absente jusqu'au 19 mai", reason="auto_reply: out-of-office subject"),
    Case("autoreply_other_helpdesk_acknowledgement_en.eml", SUPPRESSED,
         "[Ticket #48213] We received your request", "support@globalcustody.example",
         "logged as ticket #48213", reason="auto_reply: Auto-Submitted: auto-replied"),

    # ------------------------------------ SUNAT, SUNAFIL and bank notices
    Case("sunat_notice_auto_generated.eml", CREATED,
         "Tiene una nueva notificación en su Buzón Electrónico", "notificaciones@sunat.gob.pe",
         "Resolución de Intendencia"),
    Case("sunat_buzon_sol_coactiva_x_auto_response_suppress.eml", CREATED,
         "SUNAT - Notificación de Resolución de Ejecución Coactiva",
         "notificaciones@sunat.gob.pe", "Resolución de Ejecución Coactiva N° 0230072345678"),
    Case("sunat_cpe_observado_auto_notified.eml", CREATED,
         "Comprobante E001-2345 observado por SUNAT", "facturaelectronica@sunat.gob.pe",
         "el código de detracción no corresponde"),
    Case("sunat_notice_raw_latin1_8bit_headers.eml", CREATED,
         "Notificación de valores: Orden de Pago N° 023-001-0098765",
         "notificaciones@sunat.gob.pe", "Plazo: 7 días hábiles."),
    Case("sunafil_orden_inspeccion_pdf_no_auto_headers.eml", CREATED,
         "Notificación de Orden de Inspección N° 01234-2025",
         "casillaelectronica@sunafil.gob.pe", "Orden de Inspección N° 01234-2025-SUNAFIL",
         ("Orden_de_Inspección_01234-2025.pdf",)),
    Case("bank_alert_abono_recibido_auto_generated_html.eml", CREATED,
         "Abono recibido en tu cuenta corriente ***4521",
         "alertas@interbank-notificaciones.example",
         "Recibiste un abono de S/ 100,000.00 de INVERSIONES ANDINAS S.A.C."),
    # Bulk wins over auto-generated (loops.classify: the kind that does least).
    Case("bank_alert_with_precedence_bulk.eml", SUPPRESSED,
         "Cargo por comision de mantenimiento - cuenta 193-4455667-0-21",
         "notificaciones@bcp-alertas.example", "comision de mantenimiento",
         reason="bulk: Precedence: bulk"),
    Case("forwarded_rfc822.eml", CREATED, "RV: Notificación de valores - Buzón SOL",
         "lucia@generafactoring.pe", "reenvío la notificación de SUNAT",
         ("Notificación_de_valores.eml",)),
    Case("rfc822_part_base64_encoded.eml", CREATED, "FW: Abono recibido",
         "rosario@generafactoring.pe", "Reenvío la alerta del banco.", ("Abono_recibido.eml",)),

    # ------------------------------------------------- suppliers and invoices
    Case("supplier_invoice_ubl_xml_pdf_cdr_zip.eml", CREATED,
         "Factura Electrónica F001-00004521 - LOGÍSTICA PERÚ S.A.C.",
         "facturacion@logisticaperu.example", "por S/ 3,540.00 (incluye IGV)",
         ("20512345678-01-F001-00004521.xml", "20512345678-01-F001-00004521.pdf",
          "R-20512345678-01-F001-00004521.zip")),
    Case("supplier_invoice_pdf_part_without_filename.eml", CREATED,
         "Factura F002-118 por servicios de imprenta", "contabilidad@imprentalima.example",
         "la impresión de 500 tarjetas", ("adjunto-1.pdf",)),
    Case("supplier_invoice_no_charset_cp1252_text.eml", CREATED,
         "Factura B001-9921 - cobranza", "ventas@ferreteriasantarosa.example",
         "“Mantenimiento de oficinas” vence"),
    # The declared charset is trusted while the bytes fit it: mojibake.
    Case("supplier_invoice_utf8_bytes_labelled_latin1.eml", CREATED,
         "Factura E001-77 honorarios abril", "facturas@contablesmiraflores.example",
         "adjuntamos los honorarios de abril por la asesor"),
    Case("winmail_dat_supplier_invoice_two_files.eml", CREATED, "Factura F001-555",
         "facturacion@logisticaperu.example", "Adjunto la factura y la guía de remisión.",
         ("Factura_F001-555.pdf", "Guía_de_remisión_T001-88.pdf")),
    Case("attachment_cjk_filename_over_255_bytes.eml", CREATED,
         "Proforma invoice PI-2025-0412 - payment confirmation",
         "export@hengda-trading.example", "the proforma invoice for the third shipment",
         (safe_filename(CJK_NAME),)),
    Case("octet_stream_pdf_name.eml", CREATED, "Factura E001-2345", "pedro.ruiz@textiles.example",
         "Adjunto la factura.", ("E001-2345.pdf",)),

    # ------------------------------------------------------- payment proofs
    Case("payment_proof_android_gmail_whatsapp_jpeg.eml", CREATED, "Pago factura F001-77",
         "pedro.ruiz@textiles.example", "adjunto el voucher del pago de la factura F001-77.",
         ("IMG-20250425-WA0012.jpg",), quoted="Enviado desde mi Galaxy"),
    Case("payment_proof_outlook_encoded_word_filename.eml", CREATED,
         "Voucher de pago F001-77", "cmedina@textiles.example",
         "adjunto el voucher de la transferencia (operación 998812)",
         ("Voucher_de_pago__operación_998812.pdf",)),
    Case("payment_proof_yape_screenshot_inline_cid.eml", CREATED,
         "Pago de intereses moratorios", "lucia.nahui@textiles.example",
         "les comparto la captura del pago por Yape", ("captura-yape.png",)),
    Case("nul_bytes.eml", CREATED, "Pago de factura F001-77", "pedro.ruiz@textiles.example",
         "voucher del pago de la factura"),

    # ------------------------------------------------------ internal requests
    Case("internal_fin_estado_de_cuenta_outlook.eml", CREATED,
         "FIN: estado de cuenta Inversiones Andinas marzo", "lucia@generafactoring.pe",
         "pide su estado de cuenta al cierre de marzo"),
    Case("internal_cob_reprogramacion_cuota_gmail.eml", CREATED,
         "COB - reprogramación de cuota F001-77", "carmen@generafactoring.pe",
         "¿Finanzas aprueba el nuevo cronograma?"),
    Case("internal_ope_desembolso_urgente_high_importance.eml", CREATED,
         "OPE: desembolso urgente operacion 2025-0412", "alonso@generafactoring.pe",
         "desembolsar hoy la operacion 2025-0412"),
    Case("internal_sop_portal_error_screenshot_outlook.eml", CREATED,
         "SOP: no puedo descargar liquidaciones del portal", "rosario@generafactoring.pe",
         "Al descargar la liquidacion aparece este error:", ("image001.png",)),
    Case("internal_bracketed_fin_outlook_forward_of_investor.eml", CREATED,
         "RV: [FIN] Consulta de inversionista sobre rendimiento", "lucia@generafactoring.pe",
         "Para Finanzas, por favor atender.", quoted="¿cuál fue el rendimiento anualizado"),

    # -------------------------------------------------- customers (textiles)
    Case("inline_image_cid.eml", CREATED, "Error al cargar facturas en la plataforma",
         "pedro.ruiz@textiles.example", "aparece este error",
         ("image001.png", "imagen-2.png", "imagen-3.png")),
    Case("inline_images_outlook_signature_logos.eml", CREATED, "Consulta sobre detracciones",
         "cmedina@textiles.example", "¿La detracción de la factura F001-90 la paga",
         ("image001.png", "image002.jpg")),
    Case("html_data_uri_image_and_outlook_conditionals.eml", CREATED,
         "Estado de la cesion 2025-031", "cmedina@textiles.example",
         "¿En qué estado está la cesión 2025-031?"),
    Case("html_meta_charset.eml", CREATED, "Detalle de cobranza", "pedro.ruiz@textiles.example",
         "Pedimos la reprogramación de la cobranza"),
    Case("html_nested_divs_hostile.eml", CREATED, "Consulta con HTML roto",
         "pedro.ruiz@textiles.example", "constancia de retención de febrero"),
    Case("html_only_cp1252_no_charset.eml", CREATED, "Consulta liquidacion E001-2345",
         "pedro.ruiz@textiles.example", "de “Textiles del Sur”. El monto descontado fue €"),
    Case("html_with_script_and_tracking.eml", CREATED, "Propuesta comercial",
         "pedro.ruiz@textiles.example", "les envío la propuesta"),
    Case("deeply_nested_multipart.eml", CREATED, "Correo anidado", "pedro.ruiz@textiles.example",
         "Texto muy anidado."),
    Case("missing_message_id_and_date.eml", CREATED, "Consulta sin identificador",
         "pedro.ruiz@textiles.example", "sin Message-ID ni fecha"),
    Case("multipart_without_boundary.eml", CREATED, "Sin boundary",
         "pedro.ruiz@textiles.example", "envía correos con la cabecera rota"),
    Case("message_id_without_brackets.eml", CREATED, "Aviso de pago F001-77",
         "sistema@erp.textiles.example", "Se registro el pago"),
    Case("charset_named_after_binary_codec.eml", CREATED, "Nivfb de pago",
         "erp@textiles.example", "Pago registrado para la factura F001-77."),
    Case("raw_8bit_utf8_headers.eml", CREATED, "Reprogramación de pago \u2013 factura F002-118",
         "lucia.nahui@textiles.example", "reprogramar el pago de la factura F002-118"),
    Case("rfc2047_broken_subject.eml", CREATED, "Liquidación de facturas \u2013 marzo — urgente",
         "jose.pena@textiles.example", "facturas por liquidar este mes"),
    Case("person_complains_no_se_pudo_entregar_es.eml", CREATED,
         "No se pudo entregar la factura F001-88 por el portal",
         "pedro.ruiz@textiles.example", "¿Pueden recibirla por este medio?"),
    Case("winmail_dat.eml", CREATED, "Contrato de cesión de facturas", "cmedina@textiles.example",
         "Adjunto el contrato de cesión",
         ("Contrato_de_cesión_-_Textiles_del_Sur.pdf", "detalle_facturas_marzo.xlsx")),
    Case("winmail_dat_only_html_body.eml", CREATED, "Factura observada",
         "cmedina@textiles.example", "fue observada por el pagador"),
    Case("winmail_dat_rtf_body_only.eml", CREATED, "Cronograma", "cmedina@textiles.example",
         "Estimados señores de Cobranzas:", ("cronograma.pdf",)),
    Case("winmail_dat_rtf_html_encapsulated.eml", CREATED, "Liquidación E001-980",
         "cmedina@textiles.example", "está lista para su revisión"),
    Case("winmail_dat_garbage_not_tnef.eml", CREATED, "Adjunto de Outlook ilegible",
         "cmedina@textiles.example", "Les reenvío el archivo que me pidieron.",
         ("winmail.dat",)),
    # Cut inside the last TNEF attribute: the file is kept, its long name cut.
    Case("winmail_dat_truncated.eml", CREATED, "Cronograma (winmail cortado)",
         "cmedina@textiles.example", "Cronograma de pagos adjunto.", ("cronograma.x",)),
    Case("attachment_hostile_filenames.eml", CREATED, "Archivos con nombres peligrosos",
         "pedro.ruiz@textiles.example", "Adjuntos de prueba del sistema de facturación.",
         ("evil", "hosts", "_CON.pdf", "facturafdp.exe", "a_b_c_d_e_f_.pdf", "adjunto-6.bin",
          "htaccess", "voucher.pdf.exe", "script_.html")),
    Case("attachment_huge_filename_ascii.eml", CREATED,
         "Liquidacion con nombre de archivo enorme", "pedro.ruiz@textiles.example",
         "Adjunto la liquidación de todas las facturas.", (safe_filename(LONG_ASCII_NAME),)),
    Case("attachment_huge_filename_utf8_accents.eml", CREATED,
         "Cesiones con nombre de archivo largo", "pedro.ruiz@textiles.example",
         "Adjunto el consolidado de cesiones.", (safe_filename(LONG_ACCENTED_NAME),)),
    # An empty file is not stored (nothing to keep); the raw message has it.
    Case("attachment_zero_byte_file_and_real_file.eml", CREATED, "Adjuntos vacio y real",
         "pedro.ruiz@textiles.example", "Envío dos archivos: uno quedó vacío.",
         ("detraccion.pdf",)),
    Case("attachment_duplicate_names.eml", CREATED, "Dos archivos con el mismo nombre",
         "pedro.ruiz@textiles.example", "Las dos facturas se llaman igual",
         ("factura.pdf", "factura.pdf")),
    Case("attachment_overlong_content_type.eml", CREATED, "Tipo de contenido desmedido",
         "pedro.ruiz@textiles.example", "envía un tipo de archivo muy largo.",
         ("escaneo.pdf",)),

    # ------------------------------------------------------------ auto-replies
    Case("ooo_gmail_vacation_responder_es.eml", SUPPRESSED, "Re: Recordatorio de pago F001-77",
         "pedro.ruiz@textiles.example", "estoy de vacaciones hasta el 19 de mayo",
         reason="auto_reply: Auto-Submitted: auto-replied"),
    Case("ooo_no_headers_es_subject_fuera_de_la_oficina.eml", SUPPRESSED,
         "Fuera de la oficina: Liquidación abril", "ana.rojas@andinas.example",
         "Retorno el 13 de mayo", reason="auto_reply: out-of-office subject"),
    Case("ooo_no_headers_es_no_me_encuentro_en_la_oficina.eml", SUPPRESSED,
         "RE: Liquidacion abril", "ana.rojas@andinas.example",
         "no me encuentro en la oficina", reason="auto_reply: out-of-office text"),
    Case("ooo_x_autorespond_header_zimbra_es.eml", SUPPRESSED,
         "Re: Liquidacion de facturas marzo", "jose.pena@textiles.example",
         "Su correo será atendido a mi retorno.", reason="auto_reply: X-Autorespond header"),
    Case("ooo_precedence_auto_reply_header.eml", SUPPRESSED,
         "Re: Estado de la factura F001-77", "cobranzas@textiles.example",
         "lo atenderemos en un plazo de 48 horas", reason="auto_reply: Precedence: auto_reply"),
    Case("ooo_x_autogenerated_reply_lotus_es.eml", SUPPRESSED, "Re: Cesión de facturas",
         "gerencia@minerasur.example", "La gerencia lo revisará a la brevedad.",
         reason="auto_reply: X-Autogenerated: Reply"),
    Case("out_of_office_subject_outlook_es.eml", SUPPRESSED,
         "Respuesta automática: [#10051] Recordatorio de pago", "cmedina@textiles.example",
         "Me encuentro de vacaciones.", reason="auto_reply: out-of-office subject"),
    Case("vacation_auto_replied_header.eml", SUPPRESSED, "Re: [#10060] Cambio de cuenta bancaria",
         "ana.rojas@andinas.example", "responderé tu correo a mi regreso",
         reason="auto_reply: Auto-Submitted: auto-replied"),
    Case("read_receipt_mdn_es.eml", SUPPRESSED, "Leído: [#10051] Recordatorio de pago",
         "cmedina@textiles.example", "Su mensaje fue leído",
         reason="auto_reply: read receipt (MDN)"),

    # ----------------------------------------------------------------- bounces
    Case("dsn_bounce.eml", SUPPRESSED, "Undelivered Mail Returned to Sender",
         "mailer-daemon@mail.generafactoring.pe", "could not\nbe delivered",
         reason="bounce: delivery status report (DSN)"),
    Case("dsn_bounce_exchange_es.eml", SUPPRESSED,
         "No se puede entregar: [#10051] Recordatorio de pago F001-77",
         "postmaster@textiles.example", "El buzón del destinatario está lleno",
         reason="bounce: delivery status report (DSN)"),
    Case("dsn_gmail_failure_en.eml", SUPPRESSED, "Delivery Status Notification (Failure)",
         "mailer-daemon@googlemail.com", "** Address not found **",
         reason="bounce: delivery status report (DSN)"),
    Case("dsn_delay_warning_postfix.eml", SUPPRESSED, "Delayed Mail (still being retried)",
         "mailer-daemon@mail.generafactoring.pe", "THIS IS A WARNING ONLY",
         reason="bounce: delivery status report (DSN)"),
    Case("bounce_qmail_failure_notice_plain_text.eml", SUPPRESSED, "failure notice",
         "mailer-daemon@mx.imprentalima.example", "Sorry, no mailbox here by that name.",
         reason="bounce: sent by mailer-daemon"),
    Case("bounce_exim_x_failed_recipients.eml", SUPPRESSED,
         "Mail delivery failed: returning message to sender", "mdaemon@mx.minerasur.example",
         "mailbox is full: retry timeout exceeded",
         reason="bounce: X-Failed-Recipients header"),
    Case("bounce_exchange_legacy_null_return_path_es.eml", SUPPRESSED,
         "No se puede entregar: Estado de cuenta abril",
         "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@andinas.example",
         "El buzón del destinatario está lleno", reason="bounce: delivery failure subject"),

    # --------------------------------------------------------- bulk and lists
    Case("newsletter_list_unsubscribe.eml", SUPPRESSED,
         "Tendencias del factoring en el Perú - marzo", "boletin@factoringhoy.example",
         "facturas negociadas creció 12%", reason="bulk: Precedence: bulk"),
    Case("list_google_groups_precedence_list.eml", SUPPRESSED,
         "[socios-apefac] Convocatoria a asamblea general 2025", "anuncios@apefac.example",
         "asamblea general del 30 de mayo", reason="bulk: Precedence: list"),
    Case("marketing_list_unsubscribe_only_html.eml", SUPPRESSED,
         "Últimos cupos: Congreso de Factoring 2025", "eventos@finanzasperu.example",
         "Quedan pocas entradas", reason="bulk: List-Unsubscribe header"),
    Case("bulk_precedence_junk_promo.eml", SUPPRESSED, "30% de descuento en toner esta semana",
         "ofertas@suministros.example", "descuento en toner y papel bond",
         reason="bulk: Precedence: junk"),

    # ------------------------------------------------ a storm from one sender
    *[
        Case(f"storm_erp_payment_notice_{n}.eml", CREATED,
             f"Aviso de pago automatico {n} - F001-77", "erp@textiles.example",
             f"Se registro el pago {n} de la factura F001-77", settings=(STORM,))
        for n in (1, 2, 3)
    ],
    Case("storm_erp_payment_notice_4.eml", SUPPRESSED, "Aviso de pago automatico 4 - F001-77",
         "erp@textiles.example", "Se registro el pago 4 de la factura F001-77",
         after=tuple(f"storm_erp_payment_notice_{n}.eml" for n in (1, 2, 3)),
         settings=(STORM,),
         reason="storm: %(count)s messages from %(sender)s in %(minutes)s minutes",
         reason_args={"count": 4, "sender": "erp@textiles.example", "minutes": 10}),

    # ------------------------------------------------------------ broken MIME
    Case("broken_boundary_mismatch.eml", CREATED, "Boundary que no coincide",
         "pedro.ruiz@textiles.example", "El texto de este correo usa otra frontera"),
    Case("broken_missing_final_boundary_truncated_attachment.eml", CREATED,
         "Adjunto cortado", "pedro.ruiz@textiles.example", "Adjunto el contrato escaneado.",
         ("contrato_escaneado.pdf",)),
    # Undecodable base64 is kept as it came rather than dropped.
    Case("broken_base64_garbage_text_body.eml", CREATED, "Cuerpo base64 roto",
         "pedro.ruiz@textiles.example", "RXN0ZSBjdWVycG8gZXN0w6EgZW4gYmFzZTY0"),
    Case("broken_quoted_printable_invalid_escapes.eml", CREATED, "QP con escapes invalidos",
         "pedro.ruiz@textiles.example", "vence mañana =ZZ y el monto es 100% =3"),
    Case("broken_truncated_inside_headers.eml", CREATED, "Mensaje cortado en las cabeceras",
         "pedro.ruiz@textiles.example", ""),
    Case("broken_raw_latin1_8bit_from_and_subject.eml", CREATED,
         "Cesión de facturas \u2013 Textiles del Sur", "jose.pena@textiles.example",
         "Atención: el año pasado se cedieron 3 facturas."),
    Case("broken_very_long_html_line_no_wrapping.eml", CREATED, "Reporte de cartera generado",
         "pedro.ruiz@textiles.example", "F001-00399 S/ 5,863.00 vigente\nFin del reporte de cartera."),
    Case("broken_multipart_digest_of_rfc822_parts.eml", CREATED, "Resumen de avisos del ERP",
         "pedro.ruiz@textiles.example", "Les envío el resumen de avisos de la semana.",
         ("Aviso_1.eml", "Aviso_2.eml")),
    Case("broken_content_type_unbalanced_quotes.eml", CREATED,
         "Content-Type con comillas rotas", "pedro.ruiz@textiles.example",
         "Las comillas del Content-Type no cierran"),
    Case("broken_duplicate_from_and_subject_headers.eml", CREATED, "Primer asunto",
         "pedro.ruiz@textiles.example", "Cabeceras repetidas"),
    # The header block ends at the broken line; the rest is read as body.
    Case("broken_header_line_without_colon.eml", CREATED, "Cabecera sin dos puntos",
         "pedro.ruiz@textiles.example", "Cuerpo del mensaje tras una cabecera rota."),
    Case("broken_headers_only_no_body.eml", CREATED, "Solo cabeceras, sin cuerpo",
         "pedro.ruiz@textiles.example", ""),
    Case("broken_multipart_alternative_empty_parts.eml", CREATED, "Alternativas vacias",
         "pedro.ruiz@textiles.example", ""),
    Case("broken_charset_utf7_declared.eml", CREATED, "Texto en UTF-7",
         "pedro.ruiz@textiles.example", "Solicito información sobre la cesión"),
    Case("broken_binary_garbage_after_headers.eml", CREATED, "Cuerpo con basura binaria",
         "pedro.ruiz@textiles.example", "Texto legible antes de la basura."),
    Case("broken_multipart_without_mime_version.eml", CREATED, "Multipart sin MIME-Version",
         "pedro.ruiz@textiles.example", "no declara MIME-Version, pero es multipart."),
    Case("broken_nested_rfc822_truncated_inner.eml", CREATED,
         "Reenvio con mensaje interno cortado", "pedro.ruiz@textiles.example",
         "Reenvío el aviso del banco, llegó incompleto.", ("Aviso_de_cargo.eml",)),
    Case("sender_idn_unicode_domain_smtputf8.eml", CREATED, "Factoring para exportación",
         "ventas@exportación.example", "factoring de facturas de exportación"),

    # -------------------------------------------------------- not mail at all
    Case("not_a_message.eml", QUARANTINED, "", "", None, reason="no header fields"),
    Case("not_mail_pdf_piped_by_mistake.eml", QUARANTINED, "", "", None,
         reason="no header fields: not a mail message"),
    Case("not_mail_json_webhook_payload.eml", QUARANTINED, "", "", None,
         reason="none of the mail header fields are present"),
    Case("not_mail_empty_file.eml", QUARANTINED, "", "", None, reason="empty input"),
    # The listing field keeps what the quick header read found.
    Case("headers_without_sender_address.eml", QUARANTINED,
         "Aviso sin direccion de remitente", "buzon", None,
         reason="The message has no sender address."),
]
# fmt: on

CASES_BY_NAME = {case.name: case for case in CASES}


def _param(case: Case) -> object:
    marks = []
    if case.bug and (
        case.bug_on is None or (case.bug_on == "postgresql") == ON_POSTGRES
    ):
        marks.append(pytest.mark.xfail(strict=True, reason=case.bug))
    return pytest.param(case, id=case.name.removesuffix(".eml"), marks=marks)


def test_every_fixture_is_in_the_table_once():
    names = [case.name for case in CASES]

    assert len(names) == len(set(names)), "a fixture is listed twice"
    assert sorted(names) == all_fixture_names()


def test_setups_refer_to_fixtures_without_setups_of_their_own():
    for case in CASES:
        for parent in case.after:
            assert parent in CASES_BY_NAME, (case.name, parent)
            assert not CASES_BY_NAME[parent].after, (case.name, parent)
        if case.outcome in (APPENDED, DUPLICATE) or case.attached:
            assert case.after, case.name
        if case.agent_reply:
            assert case.after, case.name


def test_the_corpus_is_large_and_varied():
    outcomes = {case.outcome for case in CASES}

    assert len(CASES) >= 110
    assert outcomes == {CREATED, APPENDED, SUPPRESSED, QUARANTINED, DUPLICATE}


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_fixture_ingests_as_the_table_says(
    case, finanzas_mailbox, rosario, settings, tmp_path
):
    # given a fresh database with the case's set-up
    settings.MEDIA_ROOT = tmp_path
    for name, value in case.settings:
        setattr(settings, name, value)
    parent = _set_up(case, finanzas_mailbox, rosario)
    raw = fixture_bytes(case.name)
    tickets_before = set(Ticket.objects.values_list("pk", flat=True))
    attachments_before = set(Attachment.objects.values_list("pk", flat=True))
    rows_before = InboundMessage.objects.count()

    # when
    result = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)

    # then: exactly one stored row holds these bytes, finished
    assert result.outcome == case.outcome
    row = InboundMessage.objects.get(pk=result.inbound_id)
    assert bytes(row.raw) == raw
    assert row.sha256 == raw_sha256(raw)
    assert row.outcome != Outcome.RECEIVED
    assert row.subject == case.subject
    assert row.sender == case.sender
    new_tickets = list(Ticket.objects.exclude(pk__in=tickets_before))
    new_attachments = list(Attachment.objects.exclude(pk__in=attachments_before))

    if case.outcome == DUPLICATE:
        assert InboundMessage.objects.count() == rows_before
        assert row.outcome == Outcome.CREATED
        assert (new_tickets, new_attachments) == ([], [])
        assert result.ticket == parent.number
        assert case.snippet is not None
        assert case.snippet in row.ticket_message.body_text
        return

    assert InboundMessage.objects.count() == rows_before + 1
    assert row.outcome == case.outcome
    if case.outcome in (CREATED, APPENDED):
        _assert_ticket_message(case, row, parent, new_tickets, new_attachments)
        return

    # suppressed or quarantined: kept with the reason, no ticket work
    assert row.reason
    assert _reason_matches(case, row.reason), row.reason
    assert row.ticket_message is None
    assert (new_tickets, new_attachments) == ([], [])
    if case.outcome == QUARANTINED:
        assert case.snippet is None
        assert row.ticket is None
        return
    assert row.ticket == (parent if case.attached else None)
    assert case.snippet is not None
    assert case.snippet in parse(raw).body_text
    assert not case.attachments


def _reason_matches(case: Case, reason: str) -> bool:
    args = case.reason_args or {}
    english = case.reason % args if args else case.reason
    translated = gettext(case.reason) % args if args else gettext(case.reason)
    return english in reason or translated in reason


def _set_up(case: Case, mailbox, agent) -> Ticket | None:
    """Ingest the case's ``after`` fixtures; the last one's ticket, if any."""
    parent = None
    for name in case.after:
        expected = CASES_BY_NAME[name].outcome
        result = ingest_raw(fixture_bytes(name), mailbox=mailbox, via=Via.PIPE)
        assert result.outcome == expected, name
        parent = Ticket.objects.get(number=result.ticket) if result.ticket else None
    if case.agent_reply:
        assert parent is not None
        reply = tickets.add_reply(
            parent,
            author=agent,
            body_text="Estimado Jorge: le enviamos el cronograma de la adición.",
        )
        tickets.record_email_delivery(reply, email_message_id=case.agent_reply)
    return parent


def _assert_ticket_message(case, row, parent, new_tickets, new_attachments):
    assert row.reason == ""
    message = row.ticket_message
    if case.outcome == CREATED and case.snippet == "" and not case.attachments:
        # nothing to say, but the message is kept (empty) so that its
        # Message-ID threads the replies
        assert message is not None
        assert message.body_text == ""
        assert message.email_message_id
        assert new_tickets == [row.ticket] and new_attachments == []
        assert row.ticket.messages.count() == 1
        return
    assert message is not None
    assert message.kind == MessageKind.CUSTOMER
    assert message.ticket == row.ticket
    assert message.author_contact.email == case.sender
    if case.outcome == CREATED:
        assert new_tickets == [row.ticket]
        assert row.ticket != parent
        expected_subject = case.subject.strip()[:300] or gettext("(no subject)")
        assert row.ticket.subject == expected_subject
        assert row.ticket.requester == message.author_contact
    else:
        assert new_tickets == []
        assert row.ticket == parent
    assert case.snippet is not None
    assert case.snippet in message.body_text
    if case.quoted is not None:
        assert case.quoted in message.quoted_text
        assert case.quoted not in message.body_text
    stored = list(message.attachments.order_by("id"))
    assert [a.filename for a in stored] == list(case.attachments)
    assert set(new_attachments) == set(stored)
    assert all(a.ticket_id == row.ticket_id and a.size > 0 for a in stored)
