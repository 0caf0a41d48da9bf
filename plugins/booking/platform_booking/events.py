"""Appointment events, for plugins that depend on booking (marketing confirmations, reminders...).

Each carries ``appointment`` besides the business, actor and request. A
completed appointment is also reported to the clients plugin as a
``VisitCompleted`` (loyalty earns points on it).
"""

from platform_core.events import BusinessEvent


class AppointmentEvent(BusinessEvent):
    def __init__(self, request, appointment, actor_id):
        super().__init__(request, appointment.business_id, actor_id)
        self.appointment = appointment


class AppointmentBooked(AppointmentEvent):
    pass


class AppointmentRescheduled(AppointmentEvent):
    pass


class AppointmentCancelled(AppointmentEvent):
    pass


class AppointmentCompleted(AppointmentEvent):
    pass


class AppointmentNoShow(AppointmentEvent):
    pass
