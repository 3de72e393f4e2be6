import type { MessageKey } from './ja.ts';

/** English texts of the customer pages (selectable; Japanese is the primary language). */
export const en: Record<MessageKey, string> = {
  'bank.name': 'Demo Credit Union',
  'service.name': 'API linkage service',
  'lang.switch': '日本語',
  'lang.switch.label': 'Change language',
  'footer.terms': 'API service terms',
  'footer.help': 'If you need help, please contact your branch.',

  'login.title': 'Confirm your identity',
  'login.lead': '{partner} asks to link your accounts. Enter the account of your cash card and its PIN.',
  'login.branch': 'Branch code (3 digits)',
  'login.accountType': 'Account type',
  'login.accountNumber': 'Account number (7 digits)',
  'login.pin': 'Cash card PIN (4 digits)',
  'login.submit': 'Next',
  'login.cancel': 'Cancel and return to {partner}',
  'login.error':
    'We could not confirm the details you entered. Please start again from the first step. If this keeps happening, ' +
    'please contact your branch.',
  'login.throttled': 'Please wait a while and try again.',
  'login.locked':
    'Use of this service has been stopped for the account you entered, because the PIN or one-time code was ' +
    'entered incorrectly several times in a row. Please contact your branch to have it resumed.',
  'flow.time_limit': 'Please complete this within {minutes} minutes of starting (by {time} Japan time).',
  'my.time_limit': 'After {minutes} minutes without activity, you will need to start again.',
  'login.notice': 'We never ask for your PIN by e-mail or telephone.',

  'otp.title': 'Enter your one-time code',
  'otp.lead': 'Enter the 6-digit code shown in your registered authenticator app.',
  'otp.no_app':
    'No authenticator app, or it stopped showing codes after you changed phones? ' +
    'Please contact your branch, in person or by phone: they will help you register it.',
  'otp.otp': 'One-time code (6 digits)',
  'otp.submit': 'Confirm',
  'otp.error':
    'The one-time code could not be confirmed. Enter the latest 6-digit code shown in your authenticator app.',
  'otp.attempts_left': 'If the code cannot be confirmed {count} more time(s), you will need to start again.',

  'ineligible.title': 'This linkage is not available',
  'ineligible.customer_restricted':
    'Because of the status of your accounts, you cannot use this service at the moment. Please contact your branch.',
  'ineligible.no_eligible_account':
    'This service needs an ordinary or savings account with a cash card issued. Please contact your branch about a ' +
    'cash card.',
  'ineligible.no_linkable_account': 'You have no account that can be linked to {partner}.',
  'ineligible.back': 'Return to {partner}',

  'consent.title': 'Review the linkage',
  'consent.lead': 'The following information will be shared with {partner}. Please review it and agree.',
  'consent.partner': 'Shared with',
  'consent.partner.legal_name': 'Company',
  'consent.partner.registration': 'Registration',
  'consent.partner.registration.text': 'Electronic payment agent, {number}',
  'consent.partner.contact': 'Contact',
  'consent.partner.contact.link': "{partner}'s customer support",
  'consent.partner.privacy': 'Personal information',
  'consent.partner.privacy.link': "{partner}'s privacy policy",
  'consent.categories': 'Information shared',
  'consent.categories.read_only': 'Read only (no transfers or other transactions can be made)',
  'consent.scope.accounts': 'Account information (type, number, holder name)',
  'consent.scope.deposits':
    'Balances and transaction history of ordinary and similar accounts (for a card loan: the loan balance and ' +
    'available credit)',
  'consent.scope.time_deposits': 'Time deposit details (deposit date, maturity date, principal, interest rate)',
  'consent.accounts': 'Accounts to link (choose at least one)',
  'consent.accounts.none_selected': 'Please choose at least one account to link.',
  'consent.accounts.not_for_service': 'Not shown: {count} account(s) of a type this service does not link ({types}).',
  'consent.accounts.not_for_partner': 'Not shown: {count} account(s) of a type {partner} does not receive ({types}).',
  'consent.accounts.not_open': 'Not shown: {count} account(s) that are frozen or closed and cannot be linked.',
  'consent.expiry': 'Linkage valid until',
  'consent.expiry.text': 'Until {date}. To continue after that, you will confirm your identity and agree again.',
  'consent.points': 'Please note',
  'consent.point.fee': "The credit union charges no fee (the partner's own charges and your data costs are yours).",
  'consent.point.security':
    "The shared information is handled by {partner}; its protection depends on {partner}'s level of security.",
  'consent.point.risks':
    "Risks include: information becoming known to third parties through the partner, the partner's service stopping, " +
    'and information arriving late or shown wrongly because of network failures.',
  'consent.point.cancel': "You can end the linkage in {partner}'s service or on the credit union's linkage page.",
  'consent.my_page': 'See and end your linkages (your linkage page)',
  'consent.point.hours': 'Information is provided within service hours; outside them it may not be the latest.',
  'consent.terms': 'Read the full API service terms (version {version})',
  'consent.terms.upcoming': 'The terms change to version {version} on {date}.',
  'consent.terms.upcoming.reconsent': ' You will need to agree again after that date.',
  'consent.terms.version': 'Terms that apply: API service terms, version {version}',
  'consent.agree': 'Agree',
  'consent.decline': 'Do not agree',

  'error.title': 'Something went wrong',
  'error.generic': "We could not continue. Please start again from the partner's service.",
  'error.session':
    "This page has expired or was used in another window. Please start again from the partner's service.",
  'error.server': 'We could not process this just now. Please try again in a little while.',
  'error.request': 'We could not continue. Please try again from the start.',
  'error.code': 'Error code',
  'error.requestId': 'Inquiry number',
  'error.unavailable': 'The service is busy or under maintenance. Please try again later.',
  'busy.title': 'We are very busy right now',
  'busy.message':
    'Many customers are using the service at the moment. What you entered has not been checked yet. ' +
    'Please wait a moment and try again.',
  'unavailable.title': 'The service is briefly unavailable',
  'unavailable.message':
    'Our systems cannot answer for a moment. What you have done so far is kept. ' +
    'Please wait a little, then open the same page again with the link below.',
  'unavailable.retry': 'Try again',
  'notfound.title': 'Page not found',
  'notfound.message':
    'We could not find this page. Please check the address. If you were linking an account, please start again ' +
    "from the partner's service.",
  'wayback.return': 'Return to {partner}',
  'wayback.finished': "Please see the result in {partner}'s app or website.",
  'finished.title': 'This request is complete',
  'error.finished': 'This request has already been completed, so this page can no longer be shown.',
  'wayback.app': "Please return to {partner}'s app or website and start again.",
  'inquiry.note': 'If you contact your branch, please quote this number.',

  'terms.title': 'API service terms',
  'terms.current': 'Current version: {version}',
  'terms.effective': 'Effective from {date}',
  'terms.version': 'Version {version}, effective from {date}',
  'terms.past': 'Past versions',
  'terms.upcoming': 'Scheduled change',

  'accountType.ordinary': 'Ordinary deposit',
  'accountType.savings': 'Savings deposit',
  'accountType.card_deposit': 'Card deposit',
  'accountType.card_loan': 'Card loan',
  'accountType.tax_reserve': 'Tax-reserve deposit',
  'accountType.time_deposit': 'Time deposit',

  'surface.authorization': 'Linkage authorization (linking your accounts)',
  'surface.data_api': 'Information provided to linked services',
  'surface.token_refresh': 'Keeping linkages active (token refresh)',
  'surface.my_page': 'Your linkages page',

  'closed.title': 'Not available right now',
  'closed.calendar.outside_hours': 'Linkage authorization is outside its service hours right now.',
  'closed.calendar.holiday_hours': 'Linkage authorization is outside its Sunday and holiday hours right now.',
  'closed.calendar.closed_period': 'Linkage authorization is closed over the New Year holidays.',
  'closed.calendar.maintenance': 'Linkage authorization is closed for system maintenance.',
  'closed.calendar.one_off': 'Linkage authorization is closed for system work.',
  'closed.restricted': 'Linkage authorization is suspended for the time being.',
  'closed.opens_at': 'It opens again at {time} (Japan time).',
  'closed.opens_unknown': 'We will announce on our website when it opens again.',
  'closed.hours_link': 'See the service hours',
  'closed.back': 'Return to {partner}',

  'hours.title': 'Service hours',
  'hours.lead':
    'All times are Japan time. Outside the service hours, the information shown by linked services may not be the ' +
    'latest.',
  'hours.now': 'Now ({time})',
  'hours.open': 'Open',
  'hours.open_until': 'Open (until {time})',
  'hours.closed': 'Closed',
  'hours.closed_until': 'Closed (opens at {time})',
  'hours.notices': 'Notices',
  'hours.notice_until': 'Until {time}',
  'hours.days.show': 'Show the hours day by day',
  'hours.days': 'Hours by day (next 30 days)',
  'hours.date': 'Date',
  'hours.closed_all_day': 'Closed',
  'hours.closures': 'Closures and maintenance (next 30 days)',
  'hours.closures.none': 'None planned.',
  'hours.closure.maintenance': 'System maintenance',
  'hours.closure.closed_period': 'New Year holidays',
  'hours.closure.one_off': 'Unscheduled closure ({reason})',
  'hours.colon': ': ',
  'hours.closure.daily': 'Every day, {from}–{to}',
  'hours.closure.affects': 'Affects: {surfaces}',

  'my.title': 'Your linkages',
  'my.login.lead':
    'See and end the services (partners) linked to your accounts with us. To confirm your identity, enter the ' +
    'account of your cash card and its PIN.',
  'my.lead': 'The services (partners) linked to your accounts with us.',
  'my.none': 'No service is linked to your accounts at the moment.',
  'my.categories': 'Information shared',
  'my.accounts': 'Accounts linked',
  'my.since': 'Linked on',
  'my.until': 'Valid until',
  'my.last_used': 'Information last retrieved',
  'my.last_used.none': 'Not yet',
  'my.end': 'End this linkage',
  'my.ended': 'The linkage with {partner} has ended.',
  'my.note.partner': "You can also end or change a linkage in the partner's own service.",
  'my.note.unknown': 'If you do not recognise a linkage, end it at once and contact your branch.',
  'my.sign_out': 'Sign out',
  'my.cancel': 'Cancel',
  'my.confirm.title': 'End a linkage',
  'my.confirm.lead': 'You are about to end the linkage with {partner}. Are you sure?',
  'my.confirm.effect':
    'Once it has ended, {partner} can no longer retrieve information about your accounts from us. To link again, ' +
    "start from {partner}'s service.",
  'my.confirm.back': 'Keep it and return to the list',
  'my.not_found': 'This linkage was not found. It may have ended already or expired.',
  'my.error.session': 'This page has expired, or another page was used in the meantime. Please start again.',
  'my.service_stopped': 'The API linkage service is suspended for the time being.',
  'my.service_stopped.still': 'You can still see and end your linkages on this page.',
  'my.back': 'Return to your linkages',
  'my.closed.lead': 'The linkages page is not available at the moment.',
  'my.closed.partner': "You can also end a linkage in the partner's own service.",
};
