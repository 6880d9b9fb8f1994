from django.contrib import admin

from ventanilla.core.admin import ReadOnlyAdmin
from ventanilla.directory.models import Agent, Company, Contact, CustomerUser, Team


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "lead"]


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "role", "job_title"]
    list_filter = ["role", "teams"]
    list_select_related = ["user"]


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "tax_id", "domain", "is_institutional_investor"]
    list_filter = ["kind", "is_institutional_investor"]
    search_fields = ["name", "tax_id", "domain"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "company", "owner"]
    list_filter = ["company__kind"]
    list_select_related = ["company", "owner"]
    search_fields = ["name", "email"]


@admin.register(CustomerUser)
class CustomerUserAdmin(ReadOnlyAdmin):
    list_display = ["contact", "is_company_admin"]
    list_select_related = ["contact"]
