"""The bank of Spanish requests, replies and notes the demo tickets are made of.

Each story is one kind of request the seeds describe, with where it
arrives, how it is classified (R-CLS-3/4/5) and the words of each step of
its life. Texts are ``str.format`` templates over the placeholders that
``tickets.py`` fills per ticket (amounts, dates, RUC numbers, invoices...).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Entry(enum.StrEnum):
    """How a request reaches the help desk."""

    TRIAGE = "triage"  # mail to servicioalcliente@, re-classified by triage
    MAILBOX = "mailbox"  # mail to the area's own connected mailbox
    PORTAL = "portal"  # a company admin opens it in the portal
    WHATSAPP = "whatsapp"
    PHONE = "phone"  # registered by an agent during a call
    WALK_IN = "walk_in"  # registered by an agent at the front desk
    AGENT = "agent"  # registered by an agent from another source


@dataclass(frozen=True)
class Story:
    key: str
    pipeline: str  # slug of the pipeline that works it
    type: str
    reason: str
    priority: str
    requesters: str  # pool of contacts the request comes from
    entries: tuple[Entry, ...]
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    ask: str  # what the agent asks the requester for ("" if nothing)
    answer: str  # the requester's answer to ``ask``
    solution: str  # the reply that resolves it
    notes: tuple[str, ...]
    third_party: str  # note written when it waits on someone else
    owner: str = ""  # forced initial owner (seed examples), else type owners
    weight: int = 1
    replies: bool = True  # automatic notices cannot be answered
    signed: bool = True  # with greeting and signature of a person


# Every placeholder a text may use; tickets.py fills each of them per ticket.
PLACEHOLDERS = frozenset(
    {
        "nombre",  # the requester's first name
        "nombre_completo",
        "empresa",  # the requester's company
        "ruc",  # its RUC
        "ruc_propio",  # the RUC of the organisation itself
        "monto_usd",
        "monto_pen",
        "monto_pen2",  # a smaller amount: differences, surpluses
        "fecha",  # a recent past date
        "fecha_pago",  # a coming working day
        "mes",  # last month's name
        "anio",
        "anio_prev",
        "factura",
        "operacion",
        "banco",
        "cuenta",  # the last digits of an account
        "cuenta_completa",
        "deudor",
        "cliente",
        "proveedor",
        "resolucion",
        "orden",
        "tasa",
        "tasa_mensual",
        "plazo",
        "servicio",  # what the supplier bills for
        "codigo",
        "dni4",
        "voucher",
        "telefono",
        "n_facturas",
        "agente",  # the owner's first name
    }
)


def _s(*items: str) -> tuple[str, ...]:
    return items


# Pools of requesters (see tickets.py): investor, institutional, client,
# customer (clients and investors), debtor, supplier, telecom, sunat,
# sunafil, internal.
STORIES: tuple[Story, ...] = (
    # -- Finanzas: investors (R-CLS-5: always Alta) -------------------------
    Story(
        key="adicion",
        pipeline="finanzas",
        type="Inversionista - Adición",
        reason="Ventas",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.TRIAGE, Entry.MAILBOX, Entry.PORTAL),
        subjects=_s(
            "Adición a mi inversión",
            "Nueva adición de {monto_usd}",
            "Deseo incrementar mi inversión",
        ),
        bodies=_s(
            "Les escribo para comunicarles que deseo realizar una adición de "
            "{monto_usd} a mi inversión. La transferencia la haría desde mi "
            "cuenta del {banco} el {fecha_pago}.\n\n¿Me podrían confirmar la "
            "cuenta de destino y la tasa vigente para un plazo de {plazo} días?",
            "Quisiera invertir {monto_usd} adicionales. Ya tengo un contrato "
            "vigente con ustedes ({empresa}, RUC {ruc}). Por favor, indíquenme "
            "los pasos a seguir y si puedo hacer el depósito esta semana.",
        ),
        ask="Con gusto procesamos su adición. Para registrarla necesitamos la "
        "constancia de la transferencia y que nos confirme el plazo elegido "
        "({plazo} días).",
        answer="Adjunto la constancia de la transferencia realizada hoy desde el "
        "{banco} por {monto_usd}. Confirmo el plazo de {plazo} días.",
        solution="Confirmamos la recepción de su adición por {monto_usd}. La "
        "inversión queda registrada con una tasa de {tasa} anual a {plazo} "
        "días; hoy le llegará el certificado a este correo.",
        notes=_s(
            "Adición validada con Tesorería. Negocio creado en el CRM por {monto_usd}.",
            "Inversionista recurrente: revisar si aplica tasa preferencial.",
        ),
        third_party="Esperando que el {banco} confirme el abono para registrar "
        "la adición.",
        weight=5,
    ),
    Story(
        key="rescate",
        pipeline="finanzas",
        type="Inversionista - Rescate",
        reason="Pagos",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.TRIAGE, Entry.MAILBOX, Entry.PORTAL),
        subjects=_s(
            "Solicitud de rescate parcial",
            "Rescate total de mi inversión al vencimiento",
        ),
        bodies=_s(
            "Por medio del presente solicito el rescate parcial de {monto_usd} "
            "de mi inversión. Les agradeceré abonar el importe en mi cuenta del "
            "{banco} terminada en {cuenta}.",
            "Mi inversión vence el {fecha_pago} y no deseo renovarla. Solicito el "
            "rescate total (capital más intereses) a la misma cuenta registrada. "
            "Quedo atento a la liquidación.",
        ),
        ask="Para atender el rescate necesitamos la carta de instrucción firmada "
        "y una copia del DNI del titular. Apenas la recibamos programamos el "
        "abono.",
        answer="Adjunto la carta firmada y la copia de mi DNI. Por favor, "
        "confirmen la fecha estimada del abono.",
        solution="Le confirmamos que el rescate de {monto_usd} fue abonado hoy en "
        "su cuenta del {banco} terminada en {cuenta}. Adjuntamos la liquidación "
        "con el detalle de intereses.",
        notes=_s(
            "Rescate registrado en la guía de rescates; abono programado para "
            "el {fecha_pago}.",
            "Validar con Tesorería el calce de caja antes de confirmar la fecha.",
        ),
        third_party="Instrucción de transferencia enviada al {banco}; esperando "
        "la confirmación del abono.",
        weight=4,
    ),
    Story(
        key="estado_cuenta",
        pipeline="finanzas",
        type="Inversionista - Otros",
        reason="Soporte",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.TRIAGE, Entry.MAILBOX, Entry.PORTAL),
        subjects=_s(
            "Estado de cuenta {mes}",
            "Solicitud de estado de cuenta al {fecha}",
            "No recibí mi estado de cuenta de {mes}",
        ),
        bodies=_s(
            "¿Me podrían enviar el estado de cuenta de mis inversiones al cierre "
            "de {mes}? Lo necesito para presentarlo a mi banco.",
            "Este mes no me llegó el estado de cuenta mensual. Les agradeceré "
            "reenviarlo a este correo y, si es posible, incluir el detalle de "
            "los intereses devengados.",
        ),
        ask="Para enviarle el estado de cuenta necesitamos validar su identidad: "
        "¿nos confirma los cuatro últimos dígitos de su DNI?",
        answer="Claro, son {dni4}. Gracias.",
        solution="Adjuntamos su estado de cuenta al cierre de {mes}. El saldo "
        "invertido asciende a {monto_usd} y los intereses del mes se abonan "
        "según el cronograma.",
        notes=_s(
            "Estado de cuenta generado desde el sistema y revisado.",
            "El correo del inversionista rebotaba; se actualizó el contacto.",
        ),
        third_party="Pedido a Contabilidad el cierre de {mes} para emitir el "
        "estado de cuenta.",
        weight=4,
    ),
    Story(
        key="tasas",
        pipeline="finanzas",
        type="Inversionista - Otros",
        reason="Ventas",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.MAILBOX),
        subjects=_s("Consulta sobre tasas vigentes", "¿Qué tasa ofrecen a 180 días?"),
        bodies=_s(
            "Quisiera saber cuáles son las tasas vigentes para inversiones en "
            "soles y en dólares a 60, 90 y 180 días. Estoy evaluando renovar "
            "{monto_pen} que vencen el {fecha_pago}.",
        ),
        ask="Con gusto le enviamos la tabla de tasas. ¿Nos confirma la moneda y "
        "el monto que desea invertir para enviarle una propuesta exacta?",
        answer="Sería en dólares, {monto_usd}, a {plazo} días.",
        solution="Para {monto_usd} a {plazo} días la tasa vigente es de {tasa} "
        "anual. Si desea continuar, responda este correo y le enviamos las "
        "instrucciones de transferencia.",
        notes=_s(
            "Tasas enviadas según la tabla vigente de la semana.",
        ),
        third_party="Consultado a Gerencia si se puede mejorar la tasa por monto.",
        weight=2,
    ),
    Story(
        key="retenciones",
        pipeline="finanzas",
        type="Inversionista - Otros",
        reason="Soporte",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.MAILBOX),
        subjects=_s(
            "Certificado de retenciones {anio_prev}",
            "Constancia de intereses pagados para la declaración anual",
        ),
        bodies=_s(
            "Para mi declaración anual de renta necesito el certificado de "
            "retenciones por los intereses pagados durante {anio_prev}. El RUC "
            "de la empresa es {ruc}.",
        ),
        ask="¿Nos confirma si el certificado debe emitirse a nombre de la "
        "persona natural o de {empresa}?",
        answer="A nombre de {empresa}, por favor.",
        solution="Adjuntamos el certificado de retenciones del ejercicio "
        "{anio_prev} a nombre de {empresa} (RUC {ruc}).",
        notes=_s(
            "Certificado solicitado al estudio contable.",
        ),
        third_party="Pedido el certificado a Rivera & Asociados; lo emiten en "
        "48 horas.",
        weight=2,
    ),
    Story(
        key="cambio_cuenta",
        pipeline="finanzas",
        type="Inversionista - Otros",
        reason="Pagos",
        priority="Alta",
        requesters="investor",
        entries=(Entry.TRIAGE, Entry.PORTAL),
        subjects=_s(
            "Cambio de cuenta para abono de intereses",
            "Actualización de cuenta bancaria",
        ),
        bodies=_s(
            "A partir del próximo pago de intereses, por favor abonen en mi nueva "
            "cuenta en dólares del {banco}: {cuenta_completa}. Adjunto el "
            "certificado bancario.",
        ),
        ask="Por seguridad, necesitamos la carta de cambio de cuenta firmada por "
        "el titular; ¿nos la envía escaneada?",
        answer="Adjunto la carta firmada.",
        solution="Registramos su nueva cuenta del {banco}. El pago de intereses "
        "del {fecha_pago} ya se abonará allí.",
        notes=_s(
            "Cambio de cuenta validado por llamada con el titular.",
            "Ojo: el certificado bancario está a nombre de la empresa.",
        ),
        third_party="Esperando la validación de la cuenta por el {banco}.",
    ),
    Story(
        key="institucional_reporte",
        pipeline="finanzas",
        type="Inversionistas Institucionales",
        reason="Soporte",
        priority="Alta",
        requesters="institutional",
        entries=(Entry.TRIAGE, Entry.MAILBOX),
        subjects=_s(
            "Reporte mensual de cartera - {mes}",
            "Información para el comité de inversiones",
            "Indicadores de mora al cierre de {mes}",
        ),
        bodies=_s(
            "Como parte de nuestro seguimiento mensual, les solicitamos el reporte "
            "de cartera al cierre de {mes}: saldo por deudor, concentración por "
            "sector, mora mayor a 30 días y operaciones reprogramadas.",
            "Nuestro comité de inversiones se reúne el {fecha_pago}. Necesitamos "
            "con anticipación los estados financieros no auditados y el detalle "
            "de la cartera fondeada con nuestra línea.",
        ),
        ask="Para preparar el reporte, ¿lo requieren con el corte de la línea "
        "fondeada o de la cartera total?",
        answer="Con el corte de la línea fondeada, por favor, en el formato "
        "Excel habitual.",
        solution="Adjuntamos el reporte de cartera al cierre de {mes} en el "
        "formato acordado. Quedamos atentos a cualquier consulta del comité.",
        notes=_s(
            "Reporte preparado con Riesgos; Milagros lo revisa antes de enviar.",
            "Institucional: responder en un máximo de 48 horas.",
        ),
        third_party="Esperando el cierre contable de {mes} para consolidar cifras.",
        weight=2,
    ),
    Story(
        key="institucional_linea",
        pipeline="finanzas",
        type="Inversionistas Institucionales",
        reason="Ventas",
        priority="Alta",
        requesters="institutional",
        entries=(Entry.TRIAGE, Entry.MAILBOX),
        subjects=_s(
            "Renovación de la línea de fondeo",
            "Propuesta de ampliación de línea - {empresa}",
        ),
        bodies=_s(
            "Estamos revisando la renovación de la línea de fondeo por "
            "{monto_usd} que vence el {fecha_pago}. ¿Podríamos coordinar una "
            "reunión la próxima semana para revisar condiciones y covenants?",
        ),
        ask="Gracias por la propuesta. ¿Nos comparten la disponibilidad de su "
        "equipo para la reunión y el borrador del term sheet?",
        answer="Proponemos el {fecha_pago} a las 10:00. Adjuntamos el borrador "
        "del term sheet.",
        solution="Confirmamos la reunión y les enviamos nuestros comentarios al "
        "term sheet. El seguimiento continúa en el negocio creado en el CRM.",
        notes=_s(
            "Se creó el negocio en el CRM para la renovación de la línea.",
        ),
        third_party="Borrador del contrato en revisión del estudio legal.",
    ),
    # -- Finanzas: suppliers, payments and authorities ----------------------
    Story(
        key="factura_proveedor",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Pagos",
        priority="Baja",
        requesters="supplier",
        entries=(Entry.MAILBOX, Entry.MAILBOX, Entry.MAILBOX, Entry.TRIAGE),
        subjects=_s(
            "Envío de factura electrónica {factura}",
            "Factura {factura} - {empresa}",
            "Comprobante electrónico {factura} emitido a Genera Factoring",
        ),
        bodies=_s(
            "Adjuntamos la factura electrónica {factura} por {monto_pen} (incluye "
            "IGV) correspondiente a {servicio} del mes de {mes}. Fecha de "
            "vencimiento: {fecha_pago}.\n\nEmisor: {empresa}, RUC {ruc}.",
            "Les hacemos llegar el comprobante {factura} por {monto_pen}. "
            "Agradeceremos confirmar la recepción y la fecha programada de pago.",
        ),
        ask="Recibimos la factura {factura}. Para registrarla necesitamos la "
        "orden de compra o la conformidad del servicio; ¿nos la pueden enviar?",
        answer="Adjuntamos la conformidad del servicio firmada por su área.",
        solution="La factura {factura} fue registrada y se pagará en la "
        "programación del viernes {fecha_pago}. Gracias.",
        notes=_s(
            "Factura registrada en el sistema contable; pago en la corrida del "
            "viernes.",
            "Aplica detracción del 12 %: verificar la cuenta del Banco de la Nación.",
        ),
        third_party="Pendiente la conformidad del área usuaria para aprobar el pago.",
        owner="alonso",
        weight=4,
    ),
    Story(
        key="constancia_pago",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Pagos",
        priority="Baja",
        requesters="client",
        entries=(Entry.MAILBOX, Entry.TRIAGE),
        subjects=_s(
            "Constancia de pago - factura {factura}",
            "Voucher de pago {operacion}",
        ),
        bodies=_s(
            "Adjuntamos la constancia de pago de la factura {factura} por "
            "{monto_pen}, realizado el {fecha} mediante transferencia desde el "
            "{banco}.",
        ),
        ask="Gracias. ¿Nos confirma el número de operación bancaria? No figura "
        "en la constancia.",
        answer="El número de operación es {voucher}.",
        solution="Confirmamos la recepción del pago. La factura {factura} "
        "figura como cancelada.",
        notes=_s(
            "Pago verificado en el extracto del {banco}.",
        ),
        third_party="Pedido al {banco} el detalle del abono para identificar al "
        "ordenante.",
        owner="alonso",
        weight=3,
    ),
    Story(
        key="fecha_pago",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Pagos",
        priority="Baja",
        requesters="supplier",
        entries=(Entry.MAILBOX,),
        subjects=_s(
            "Consulta de fecha de pago - factura {factura}",
            "Estado de pago de nuestras facturas",
        ),
        bodies=_s(
            "Quisiéramos saber en qué fecha se realizará el pago de la factura "
            "{factura} por {monto_pen}, vencida el {fecha}. Adjuntamos el estado "
            "de cuenta de su empresa con nosotros.",
        ),
        ask="¿Nos reenvían la factura {factura}? No la encontramos registrada en "
        "nuestra bandeja.",
        answer="Se la reenviamos adjunta. Gracias.",
        solution="La factura {factura} está programada para pago el viernes "
        "{fecha_pago}.",
        notes=_s(
            "La factura había llegado a un correo antiguo del área.",
        ),
        third_party="Pendiente la aprobación de Gerencia para el pago.",
        weight=2,
    ),
    Story(
        key="no_adeudo",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Soporte",
        priority="Baja",
        requesters="client",
        entries=(Entry.TRIAGE, Entry.PORTAL),
        subjects=_s(
            "Solicitud de constancia de no adeudo",
            "Carta de no adeudo para licitación",
        ),
        bodies=_s(
            "Necesitamos una constancia de no adeudo de {empresa} (RUC {ruc}) "
            "para presentarla en una licitación el {fecha_pago}.",
        ),
        ask="¿A nombre de qué entidad debe ir dirigida la constancia?",
        answer="A nombre de la entidad convocante; les adjunto las bases.",
        solution="Adjuntamos la constancia de no adeudo firmada por Finanzas.",
        notes=_s(
            "Verificado: sin operaciones vencidas.",
        ),
        third_party="Esperando la firma del gerente general.",
    ),
    Story(
        key="sunat",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Pagos",
        priority="Media",
        requesters="sunat",
        entries=(Entry.MAILBOX,),
        subjects=_s(
            "SUNAT: nuevo documento en su Buzón Electrónico",
            "Notificación electrónica SUNAT - Requerimiento N.° {resolucion}",
        ),
        bodies=_s(
            "Estimado contribuyente GENERA FACTORING S.A.C. (RUC {ruc_propio}):"
            "\n\nLe informamos que se ha depositado en su Buzón Electrónico la "
            "Resolución de Intendencia N.° {resolucion}. Para ver el documento "
            "ingrese a SUNAT Operaciones en Línea.\n\nEste es un mensaje "
            "automático; por favor no responda a este correo.\n\nSUNAT",
            "Se ha generado la constancia de notificación del Requerimiento "
            "N.° {resolucion} (fiscalización parcial del IGV de {mes} de {anio})."
            " Plazo para presentar la información: {fecha_pago}.\n\nSUNAT - "
            "Buzón Electrónico",
        ),
        ask="",
        answer="",
        solution="Descargo presentado por SUNAT Operaciones en Línea el "
        "{fecha_pago}; constancia archivada.",
        notes=_s(
            "Documento descargado del Buzón SOL y enviado al estudio contable.",
            "Plazo de respuesta: {fecha_pago}. Responsable: {agente}.",
        ),
        third_party="Enviado a Rivera & Asociados para preparar el descargo.",
        weight=2,
        replies=False,
        signed=False,
    ),
    Story(
        key="sunafil",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Soporte",
        priority="Media",
        requesters="sunafil",
        entries=(Entry.MAILBOX,),
        subjects=_s(
            "SUNAFIL - Orden de inspección N.° {orden}",
            "Notificación de la Casilla Electrónica SUNAFIL",
        ),
        bodies=_s(
            "Se notifica a GENERA FACTORING S.A.C. (RUC {ruc_propio}) la Orden de "
            "inspección N.° {orden}, relacionada con el cumplimiento de "
            "obligaciones sociolaborales. Se requiere presentar la documentación "
            "indicada el {fecha_pago} a las 10:00 horas.\n\nSUNAFIL - Casilla "
            "Electrónica",
        ),
        ask="",
        answer="",
        solution="Documentación presentada a SUNAFIL el {fecha_pago}. Se archiva "
        "la constancia.",
        notes=_s(
            "Coordinado con RRHH: planillas, boletas y contratos del periodo.",
            "Revisar y reasignar si Tesorería debe sustentar pagos.",
        ),
        third_party="Documentación en revisión del estudio laboral.",
        owner="milagros",
        replies=False,
        signed=False,
    ),
    Story(
        key="fin_interno",
        pipeline="finanzas",
        type="Finanzas - Otros",
        reason="Soporte",
        priority="Media",
        requesters="internal",
        entries=(Entry.TRIAGE, Entry.MAILBOX),
        subjects=_s(
            "FIN: estado de cuenta {mes} de {cliente}",
            "FIN: confirmar fecha de pago a {proveedor}",
            "FIN - constancia de retención para {cliente}",
            "[FIN] cronograma de pagos de la semana",
        ),
        bodies=_s(
            "Hola equipo, ¿me ayudan con el estado de cuenta de {cliente} al "
            "cierre de {mes}? El cliente lo pidió para una reunión el "
            "{fecha_pago}.",
            "Necesito confirmar la fecha de pago de la factura {factura} de "
            "{proveedor}; el proveedor está llamando para preguntar.",
            "El cliente {cliente} pide la constancia de retención de {mes}. ¿Me "
            "la pueden enviar para reenviársela?",
            "¿Me comparten el cronograma de pagos a proveedores de esta semana? "
            "Necesito confirmar la fecha de {proveedor}.",
        ),
        ask="¿Me confirmas si lo necesitas en soles o en dólares, y si incluye "
        "operaciones ya canceladas?",
        answer="En soles, solo operaciones vigentes. Gracias.",
        solution="Listo, te lo envié a tu correo. Cualquier cosa me avisas.",
        notes=_s(
            "Pedido interno; atender después de los de inversionistas.",
        ),
        third_party="Esperando el extracto bancario para cerrar el cálculo.",
        weight=3,
    ),
    # -- Comercial -----------------------------------------------------------
    Story(
        key="solicitud_factoring",
        pipeline="comercial",
        type="Solicitud de operación de factoring",
        reason="Ventas",
        priority="Media",
        requesters="client",
        entries=(Entry.TRIAGE, Entry.TRIAGE, Entry.PORTAL),
        subjects=_s(
            "Solicitud de adelanto de facturas - {empresa}",
            "Nueva operación de factoring con {deudor}",
            "Cotización para factorizar facturas",
        ),
        bodies=_s(
            "Queremos factorizar {n_facturas} facturas emitidas a {deudor} por un "
            "total de {monto_pen}, con vencimiento a 60 días. ¿Nos pueden enviar "
            "la cotización? Adjunto las facturas en PDF y XML.\n\n{empresa} - "
            "RUC {ruc}",
            "Tenemos facturas por cobrar a {deudor} y necesitamos liquidez esta "
            "semana. ¿Cuál sería la tasa y el tiempo de desembolso?",
        ),
        ask="Gracias por su solicitud. Para cotizar necesitamos los XML de las "
        "facturas y la conformidad del deudor; ¿nos los envían?",
        answer="Adjuntamos los XML. La conformidad de {deudor} nos la confirman "
        "mañana.",
        solution="Le enviamos la cotización: tasa de descuento de {tasa_mensual} "
        "mensual y desembolso en 24 horas tras la conformidad. El seguimiento "
        "continúa en el negocio creado.",
        notes=_s(
            "Cliente con línea aprobada por {monto_pen}.",
            "Deudor con buena calificación; validar en CAVALI.",
        ),
        third_party="Esperando la conformidad de {deudor} para cotizar.",
        weight=4,
    ),
    Story(
        key="cobranza_libre",
        pipeline="comercial",
        type="Cobranza libre",
        reason="Ventas",
        priority="Media",
        requesters="client",
        entries=(Entry.TRIAGE,),
        subjects=_s(
            "Consulta sobre cobranza libre",
            "¿Pueden gestionar la cobranza de nuestras facturas?",
        ),
        bodies=_s(
            "Quisiéramos que Genera gestione la cobranza de nuestras facturas a "
            "{deudor} sin adelanto (cobranza libre). ¿Qué comisión aplican y "
            "cómo sería el proceso?",
        ),
        ask="¿Nos indican el volumen mensual aproximado de facturas y el plazo "
        "promedio de pago de {deudor}?",
        answer="Son unas diez facturas al mes, en total {monto_pen}, a 90 días.",
        solution="Le enviamos la propuesta de cobranza libre con una comisión de "
        "0.5 % por factura cobrada. Quedamos atentos.",
        notes=_s(
            "Buen prospecto para factoring después de la cobranza libre.",
        ),
        third_party="Esperando la evaluación del deudor por Riesgos.",
        weight=2,
    ),
    Story(
        key="conversion",
        pipeline="comercial",
        type="Conversión",
        reason="Ventas",
        priority="Media",
        requesters="client",
        entries=(Entry.TRIAGE,),
        subjects=_s(
            "Conversión de cobranza libre a factoring",
            "Convertir la operación {operacion} a factoring con adelanto",
        ),
        bodies=_s(
            "Las facturas que enviamos en cobranza libre ({operacion}) queremos "
            "convertirlas a factoring con adelanto, porque necesitamos liquidez "
            "antes del {fecha_pago}.",
        ),
        ask="¿Nos confirma qué facturas de la operación {operacion} desea "
        "convertir? Algunas vencen esta semana.",
        answer="Todas menos la {factura}, que ya fue pagada.",
        solution="Conversión aprobada: el desembolso de {monto_pen} se realizará "
        "mañana a su cuenta registrada.",
        notes=_s(
            "La conversión requiere una nueva evaluación de Riesgos.",
        ),
        third_party="Pendiente la aprobación de Riesgos para la conversión.",
    ),
    # -- Cobranzas -----------------------------------------------------------
    Story(
        key="liquidacion",
        pipeline="cobranzas",
        type="Consulta de liquidación",
        reason="Pagos",
        priority="Media",
        requesters="client",
        entries=(Entry.MAILBOX, Entry.MAILBOX, Entry.TRIAGE),
        subjects=_s(
            "Consulta sobre la liquidación de la operación {operacion}",
            "Diferencia en la liquidación {operacion}",
        ),
        bodies=_s(
            "Revisando la liquidación de la operación {operacion} encontramos una "
            "diferencia de {monto_pen2} en los intereses. ¿Nos pueden explicar "
            "el cálculo?",
            "Necesitamos la liquidación final de la operación {operacion}; el "
            "deudor {deudor} pagó el {fecha}.",
        ),
        ask="Para revisar la diferencia, ¿nos envía la liquidación que tiene "
        "usted y el voucher del pago del deudor?",
        answer="Adjunto ambos documentos.",
        solution="Revisamos la liquidación: la diferencia de {monto_pen2} "
        "corresponde a tres días de intereses moratorios, porque el deudor pagó "
        "el {fecha}. Adjuntamos el detalle.",
        notes=_s(
            "Liquidación recalculada; el cálculo original era correcto.",
        ),
        third_party="Consultado a Operaciones la fecha exacta del abono del deudor.",
        weight=4,
    ),
    Story(
        key="excedente",
        pipeline="cobranzas",
        type="Consulta de liquidación",
        reason="Pagos",
        priority="Media",
        requesters="client",
        entries=(Entry.MAILBOX, Entry.TRIAGE),
        subjects=_s(
            "Devolución de excedente - operación {operacion}",
            "¿Cuándo devuelven el excedente?",
        ),
        bodies=_s(
            "El deudor {deudor} pagó la factura {factura} completa y, según "
            "nuestra cuenta, queda un excedente de {monto_pen2} a nuestro favor. "
            "¿Cuándo lo transfieren?",
        ),
        ask="¿Nos confirma la cuenta bancaria en soles a la que debemos "
        "transferir el excedente?",
        answer="Cuenta corriente del {banco} N.° {cuenta_completa}.",
        solution="Transferimos el excedente de {monto_pen2} a su cuenta del "
        "{banco}. Adjuntamos la constancia.",
        notes=_s(
            "Excedente validado con Tesorería.",
        ),
        third_party="Esperando que Tesorería programe la transferencia.",
        weight=2,
    ),
    Story(
        key="cobro_deudor",
        pipeline="cobranzas",
        type="Cobro de operación",
        reason="Pagos",
        priority="Media",
        requesters="debtor",
        entries=(Entry.MAILBOX,),
        subjects=_s(
            "Programación de pago de la factura {factura}",
            "Pago de facturas cedidas a Genera",
            "Re: Recordatorio de vencimiento {factura}",
        ),
        bodies=_s(
            "En atención a su recordatorio, les informamos que la factura "
            "{factura} por {monto_pen} será pagada el {fecha_pago} mediante "
            "transferencia a la cuenta de Genera Factoring.",
            "Confirmamos que la factura {factura} fue cedida a Genera. ¿Nos "
            "pueden indicar la cuenta recaudadora para realizar el pago?",
        ),
        ask="Gracias. ¿Nos envían la constancia cuando realicen el pago, para "
        "aplicarlo a la operación?",
        answer="Adjuntamos la constancia del pago realizado hoy por {monto_pen}.",
        solution="Pago aplicado a la factura {factura}. Gracias por su puntualidad.",
        notes=_s(
            "El deudor confirma el pago; compromiso registrado.",
        ),
        third_party="Esperando que el banco confirme el abono en la cuenta "
        "recaudadora.",
        weight=3,
    ),
    Story(
        key="cob_interno",
        pipeline="cobranzas",
        type="Cobro de operación",
        reason="Pagos",
        priority="Media",
        requesters="internal",
        entries=(Entry.TRIAGE,),
        subjects=_s(
            "COB: seguimiento de pago de {deudor}",
            "COB - factura {factura} vencida",
            "[COB] confirmar abono de {deudor}",
        ),
        bodies=_s(
            "Hola, el cliente {cliente} me consulta si {deudor} ya pagó la "
            "factura {factura}, que venció el {fecha}. ¿Me ayudan a confirmar?",
        ),
        ask="¿Tienes el número de operación? Hay dos facturas con numeración parecida.",
        answer="Es la operación {operacion}.",
        solution="{deudor} pagó el {fecha}; ya está aplicado. Puedes avisarle al "
        "cliente.",
        notes=_s(
            "Llamé a la tesorería de {deudor}: pagan el {fecha_pago}.",
        ),
        third_party="Esperando respuesta de la tesorería de {deudor}.",
        weight=2,
    ),
    # -- Servicio al cliente -------------------------------------------------
    Story(
        key="consulta_general",
        pipeline="servicio-al-cliente",
        type="Consulta general",
        reason="Soporte",
        priority="Baja",
        requesters="customer",
        entries=(Entry.TRIAGE, Entry.TRIAGE, Entry.WHATSAPP, Entry.PORTAL),
        subjects=_s("Actualización de datos de contacto", "Cambio de dirección fiscal"),
        bodies=_s(
            "Quisiera actualizar mis datos de contacto: mi nuevo número es "
            "{telefono}. ¿Es necesario enviar algún formulario?",
            "Les escribo para informarles que nuestra dirección fiscal cambió a "
            "Av. Javier Prado Este 4200, Santiago de Surco. RUC {ruc}.",
        ),
        ask="Para actualizar sus datos necesitamos la ficha RUC actualizada; "
        "¿nos la puede enviar?",
        answer="Adjunto la ficha RUC.",
        solution="Listo, actualizamos sus datos en nuestro sistema. Gracias por "
        "avisarnos.",
        notes=_s(
            "Datos actualizados en el maestro de clientes.",
        ),
        third_party="",
        weight=5,
    ),
    Story(
        key="felicitacion",
        pipeline="servicio-al-cliente",
        type="Consulta general",
        reason="Comentario",
        priority="Baja",
        requesters="customer",
        entries=(Entry.TRIAGE, Entry.WHATSAPP),
        subjects=_s("Agradecimiento por la atención", "Felicitaciones al equipo"),
        bodies=_s(
            "Solo quería agradecer la rapidez con la que atendieron mi último "
            "pedido. Da gusto trabajar así.",
        ),
        ask="",
        answer="",
        solution="¡Muchas gracias por sus palabras! Se las haremos llegar al equipo.",
        notes=_s(
            "Compartido con el equipo en la reunión semanal.",
        ),
        third_party="",
        weight=2,
    ),
    Story(
        key="reclamo",
        pipeline="servicio-al-cliente",
        type="Consulta general",
        reason="Comentario",
        priority="Media",
        requesters="customer",
        entries=(Entry.TRIAGE,),
        subjects=_s("Reclamo por demora en la respuesta", "Nadie responde mis correos"),
        bodies=_s(
            "Hace una semana envié una consulta sobre la operación {operacion} y "
            "todavía no tengo respuesta. Necesito una solución pronto.",
        ),
        ask="Lamentamos la demora. ¿Nos reenvía el correo original para ubicarlo?",
        answer="Se lo reenvío.",
        solution="Ubicamos su consulta original (llegó a un correo antiguo del "
        "área) y ya fue atendida por el área responsable. Disculpe las "
        "molestias.",
        notes=_s(
            "El correo llegó a una dirección antigua: recordar al cliente que "
            "escriba a servicioalcliente@.",
        ),
        third_party="",
        weight=2,
    ),
    # -- Operaciones (R-CAP-7: created by hand) ------------------------------
    Story(
        key="desembolso",
        pipeline="operaciones",
        type="Desembolso de operación",
        reason="Pagos",
        priority="Media",
        requesters="client",
        entries=(Entry.PHONE, Entry.PHONE, Entry.WALK_IN),
        subjects=_s(
            "Llamada: consulta por el desembolso de la operación {operacion}",
            "Cliente consulta el estado del desembolso",
        ),
        bodies=_s(
            "{nombre_completo} de {empresa} consulta por qué aún no recibe el "
            "desembolso de la operación {operacion} por {monto_pen}, aprobada el "
            "{fecha}.",
        ),
        ask="Según lo conversado, para liberar el desembolso falta la "
        "conformidad de {deudor}. ¿Nos avisa cuando la tenga?",
        answer="{deudor} ya envió la conformidad; se la reenvío.",
        solution="El desembolso de {monto_pen} se realizó hoy a su cuenta del {banco}.",
        notes=_s(
            "Desembolso en cola; falta la firma del gerente.",
        ),
        third_party="Esperando la conformidad de {deudor} en CAVALI.",
        weight=3,
    ),
    Story(
        key="verificacion",
        pipeline="operaciones",
        type="Verificación de facturas",
        reason="Soporte",
        priority="Media",
        requesters="client",
        entries=(Entry.WALK_IN, Entry.PHONE),
        subjects=_s(
            "Visita: entrega de facturas físicas para verificación",
            "Verificación de facturas de {empresa} con {deudor}",
        ),
        bodies=_s(
            "{nombre_completo} se acercó a la oficina con {n_facturas} facturas "
            "físicas emitidas a {deudor} por un total de {monto_pen}. Pide la "
            "verificación para su operación de la próxima semana.",
        ),
        ask="Revisamos las facturas: la {factura} no tiene la firma de recepción "
        "del deudor. ¿Nos puede traer la copia firmada?",
        answer="Ya la tenemos firmada; la dejamos mañana en recepción.",
        solution="Facturas verificadas con {deudor}; la operación puede continuar.",
        notes=_s(
            "Facturas registradas en CAVALI.",
        ),
        third_party="Esperando que {deudor} responda a la verificación telefónica.",
        weight=2,
    ),
    Story(
        key="ope_interno",
        pipeline="operaciones",
        type="Desembolso de operación",
        reason="Soporte",
        priority="Media",
        requesters="internal",
        entries=(Entry.TRIAGE,),
        subjects=_s(
            "OPE: conformidad de facturas de {cliente}",
            "OPE - registro en CAVALI de la factura {factura}",
            "[OPE] desembolso de {cliente}",
        ),
        bodies=_s(
            "Equipo de Operaciones: ¿me ayudan a revisar la conformidad de las "
            "facturas de {cliente} con {deudor}? El cliente espera el desembolso "
            "para el {fecha_pago}.",
        ),
        ask="¿Me confirmas el número de operación?",
        answer="Es la {operacion}.",
        solution="Conformidad registrada; el desembolso sale mañana temprano.",
        notes=_s(
            "Coordinado con Comercial por teléfono.",
        ),
        third_party="Esperando que {deudor} confirme en CAVALI.",
        weight=2,
    ),
    Story(
        key="deudor_confirma",
        pipeline="operaciones",
        type="Verificación de facturas",
        reason="Soporte",
        priority="Baja",
        requesters="debtor",
        entries=(Entry.PHONE,),
        subjects=_s(
            "Llamada del deudor: confirmación de facturas",
        ),
        bodies=_s(
            "{nombre_completo} de {empresa} (cuentas por pagar) llamó para "
            "confirmar que recibieron la notificación de cesión de la factura "
            "{factura}.",
        ),
        ask="¿Nos envían la confirmación por correo para el expediente?",
        answer="Se la enviamos hoy.",
        solution="Gracias por confirmar. Registramos la conformidad de la "
        "factura {factura}.",
        notes=_s(
            "Conformidad anotada en el expediente de la operación.",
        ),
        third_party="",
    ),
    # -- Soporte TD ----------------------------------------------------------
    Story(
        key="sop_interno",
        pipeline="soporte-td",
        type="Incidencia en sistemas",
        reason="IT",
        priority="Media",
        requesters="internal",
        entries=(Entry.MAILBOX,),
        subjects=_s(
            "SOP: error al generar la liquidación en el sistema",
            "SOP: acceso al reporte de cartera",
            "SOP - el CRM no sincroniza con el correo",
        ),
        bodies=_s(
            "Al generar la liquidación de la operación {operacion} el sistema "
            'muestra "Error 500". Probé en Chrome y en Edge. ¿Pueden revisarlo? '
            "Es para hoy.",
            "Necesito acceso al reporte de cartera para preparar la presentación "
            "del comité del {fecha_pago}.",
            "Desde el lunes los correos que envío a clientes no aparecen en la "
            "ficha del CRM. ¿Pueden revisar la sincronización?",
        ),
        ask="¿Nos confirmas tu usuario y, si aparece un error, nos envías una "
        "captura de pantalla con la hora aproximada?",
        answer="Mi usuario es el de siempre; adjunto la captura, fue a las 10:15.",
        solution="Listo, quedó resuelto. Si vuelve a ocurrir, avísanos por este "
        "mismo ticket.",
        notes=_s(
            "Reproducido en pruebas; corrección desplegada.",
        ),
        third_party="Reportado al proveedor del sistema; caso abierto con ellos.",
        weight=3,
    ),
    Story(
        key="portal_acceso",
        pipeline="soporte-td",
        type="Acceso a plataformas",
        reason="Soporte",
        priority="Media",
        requesters="customer",
        entries=(Entry.MAILBOX, Entry.TRIAGE),
        subjects=_s(
            "No puedo ingresar al portal de clientes",
            "Solicito usuario del portal para un colega",
        ),
        bodies=_s(
            "Desde ayer no puedo ingresar al portal de seguimiento de tickets: me "
            'aparece "usuario o contraseña incorrectos", aunque la cambié.',
            "¿Podrían crear un usuario del portal para un colega? Necesita ver "
            "las solicitudes de {empresa}.",
        ),
        ask="Para continuar necesitamos validar la identidad: ¿nos confirma el "
        "nombre completo, el DNI y el correo corporativo del usuario?",
        answer="Adjunto los datos solicitados.",
        solution="Listo: el acceso quedó habilitado. Llegará un correo para "
        "crear la contraseña.",
        notes=_s(
            "Usuario desbloqueado tras cinco intentos fallidos.",
        ),
        third_party="",
        weight=2,
    ),
    # -- Soporte TIC ---------------------------------------------------------
    Story(
        key="tic_equipo",
        pipeline="soporte-tic",
        type="Equipos y accesos",
        reason="IT",
        priority="Media",
        requesters="internal",
        entries=(Entry.AGENT, Entry.PHONE),
        subjects=_s(
            "Laptop no enciende",
            "Alta de usuario para nuevo colaborador",
            "La VPN no conecta desde casa",
        ),
        bodies=_s(
            "Mi laptop no enciende desde esta mañana; la luz de carga parpadea. "
            "Tengo reunión con un cliente a las 3 p. m.",
            "El {fecha_pago} ingresa un nuevo colaborador al área comercial. "
            "Necesita usuario de red, correo y acceso al CRM.",
            "La VPN se desconecta a cada rato desde mi casa y no puedo trabajar "
            "en el sistema.",
        ),
        ask="¿Me confirmas tu anexo y a qué hora podemos revisarlo contigo?",
        answer="Anexo 214; a las 2 p. m. estoy libre.",
        solution="Solucionado. Cualquier inconveniente nos avisas.",
        notes=_s(
            "Coordinado con el proveedor de equipos.",
        ),
        third_party="Esperando al técnico del proveedor.",
        weight=3,
    ),
    Story(
        key="tic_telecom",
        pipeline="soporte-tic",
        type="Servicios de telecomunicaciones",
        reason="IT",
        priority="Media",
        requesters="telecom",
        entries=(Entry.AGENT,),
        subjects=_s(
            "Mantenimiento programado del enlace dedicado",
            "Corte de internet en la oficina principal",
        ),
        bodies=_s(
            "Les informamos que el {fecha_pago}, de 00:00 a 04:00 horas, se "
            "realizará un mantenimiento programado en el enlace dedicado de su "
            "sede de San Isidro. Código de servicio: {codigo}.",
            "Desde las 9:00 no hay internet en la oficina. Reportado al "
            "proveedor con el código de atención {codigo}.",
        ),
        ask="¿Nos confirman el tiempo estimado de solución?",
        answer="El técnico llega hoy antes de las 5 p. m.",
        solution="El servicio quedó restablecido. Gracias.",
        notes=_s(
            "Se activó el enlace de respaldo mientras tanto.",
        ),
        third_party="Incidencia reportada al proveedor; esperando la visita técnica.",
        weight=2,
    ),
    Story(
        key="tic_lineas",
        pipeline="soporte-tic",
        type="Servicios de telecomunicaciones",
        reason="IT",
        priority="Baja",
        requesters="telecom",
        entries=(Entry.AGENT,),
        subjects=_s(
            "Renovación del plan corporativo de líneas móviles",
            "Propuesta de equipos para la renovación",
        ),
        bodies=_s(
            "Como ejecutiva de su cuenta corporativa, les envío la propuesta de "
            "renovación de sus 12 líneas móviles con equipos. El contrato actual "
            "vence el {fecha_pago}.",
        ),
        ask="¿Nos pueden enviar la propuesta con y sin equipos, para comparar?",
        answer="Adjunto ambas opciones.",
        solution="Aprobamos la renovación sin equipos. Gracias por la propuesta.",
        notes=_s(
            "Comparar con la oferta del otro operador antes de aprobar.",
        ),
        third_party="En evaluación de Gerencia.",
    ),
)

# What each supplier bills for, by the supplier's email domain.
SERVICES = {
    "conectatelecom.example": "internet dedicado y telefonía fija",
    "enlacemovil.example": "las líneas móviles corporativas",
    "utileslima.example": "útiles de oficina y papelería",
    "riveracontadores.example": "asesoría contable y tributaria",
}
DEFAULT_SERVICE = "los servicios prestados"

BANKS = ("BCP", "Interbank", "BBVA", "Scotiabank", "BanBif")
MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)

GREETINGS_MORNING = ("Buenos días,", "Buen día,", "Estimados, buenos días:")
GREETINGS_AFTERNOON = ("Buenas tardes,", "Estimados, buenas tardes:")
GREETINGS_ANY = ("Estimados:", "Hola,", "Señores Genera Factoring:")
CLOSINGS = (
    "Saludos cordiales,",
    "Quedo atento a sus comentarios.",
    "Muchas gracias de antemano.",
    "Atentamente,",
    "Gracias, saludos.",
)
GREETINGS_INTERNAL = ("Hola equipo,", "Hola,", "Buen día, equipo:")
CLOSINGS_INTERNAL = ("Gracias.", "Saludos.", "Gracias de antemano.")
AGENT_CLOSINGS = ("Saludos cordiales,", "Quedamos atentos.", "Atentamente,")

# What a requester writes after the ticket was closed (R-WF-3).
FOLLOW_UPS = (
    "Disculpen, una consulta adicional sobre este mismo tema: ¿me pueden "
    "enviar también el detalle en PDF?",
    "Les escribo de nuevo porque el monto no coincide con lo que conversamos.",
    "Gracias por la respuesta. ¿Esto aplica también para el próximo mes?",
)
FOLLOW_UP_ACK = "Con gusto. Abrimos esta nueva consulta y la revisamos hoy."
FOLLOW_UP_SOLUTION = "Listo, le enviamos lo solicitado. Quedamos atentos."
DUPLICATE_BODY = "Reenvío mi correo anterior, ¿lo recibieron?\n\n{original}"
URGENT_NOTE = "Marcado como Alta: el cliente lo necesita hoy."
REASSIGN_NOTE = "Reasignado a {agente}, que lleva este tema."
TRIAGE_NOTES = (
    "Pendiente de clasificar: falta identificar al remitente.",
    "Revisar en la ronda de las 12:00.",
)

# Debtors of the clients' invoices that are not in the customer master.
OTHER_DEBTORS = (
    "Cementos del Pacífico S.A.A.",
    "Pesquera Bahía Azul S.A.",
    "Clínica San Gabriel S.A.C.",
)
TELECOM_DOMAINS = ("conectatelecom.example", "enlacemovil.example")


@dataclass(frozen=True)
class Related:
    """The part of a request another area must do, as its own ticket."""

    story: str  # the story whose type and pipeline the ticket takes
    subject: str
    body: str


# Requests that lead their owner to open a linked ticket in another area.
RELATED_STORIES = {
    "solicitud_factoring": Related(
        "verificacion",
        "Verificar facturas de {empresa} con {deudor}",
        "Por favor, verificar con {deudor} las {n_facturas} facturas de "
        "{empresa} por {monto_pen}; el cliente está cotizando una operación.",
    ),
    "liquidacion": Related(
        "desembolso",
        "Confirmar fecha de abono de {deudor} - {operacion}",
        "El cliente observa la liquidación de la operación {operacion}. ¿Me "
        "confirman la fecha exacta en que {deudor} abonó?",
    ),
    "conversion": Related(
        "desembolso",
        "Desembolso por conversión de la operación {operacion}",
        "Se aprobó convertir la operación {operacion} a factoring con adelanto. "
        "Programar el desembolso de {monto_pen} a la cuenta registrada.",
    ),
    "rescate": Related(
        "estado_cuenta",
        "Estado de cuenta previo al rescate de {nombre_completo}",
        "Antes de abonar el rescate de {monto_usd}, preparar el estado de "
        "cuenta actualizado para adjuntarlo a la liquidación.",
    ),
}
RELATED_BODY = "Derivado del ticket #{numero} ({area}).\n\n{texto}"
RELATED_NOTE = "Abrí el ticket relacionado #{numero} para {area}."

ACKS_EXTERNAL = (
    "Gracias por escribirnos. Recibimos su solicitud y ya la estamos "
    "revisando; le responderemos a la brevedad.",
    "Confirmamos la recepción de su correo. Estoy revisando su solicitud y le "
    "escribo apenas tenga novedades.",
)
ACKS_INTERNAL = (
    "Recibido, lo reviso y te aviso.",
    "Ok, lo vemos hoy. Te escribo por aquí.",
)
