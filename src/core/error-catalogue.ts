/**
 * Every error code the mock answers with (CONTRACT §2): its status, its type and its default
 * message in English and Spanish. Handlers name a code; the error handler does the rest.
 */
export interface CatalogueEntry {
  status: number
  type: string
  en: string
  es: string
}

function notFound(en: string, es: string): CatalogueEntry {
  return { status: 404, type: 'NOT_FOUND', en, es }
}

export const ERROR_CATALOGUE = {
  invalid_json: { status: 400, type: 'INVALID_ARGUMENT', en: 'The request body is not valid JSON', es: 'El cuerpo de la solicitud no es un JSON válido' },
  invalid_parameter_value: { status: 400, type: 'INVALID_ARGUMENT', en: 'A parameter has an invalid value', es: 'Un parámetro tiene un valor inválido' },
  unsupported_grant_type: { status: 400, type: 'INVALID_ARGUMENT', en: "Field 'grant_type' must be 'client_credentials'", es: "El campo 'grant_type' debe ser 'client_credentials'" },
  invalid_client: { status: 401, type: 'UNAUTHENTICATED', en: 'Invalid client credentials', es: 'Credenciales de cliente inválidas' },
  missing_token: { status: 401, type: 'UNAUTHENTICATED', en: 'An Authorization: Bearer header is required', es: 'Se requiere el encabezado Authorization: Bearer' },
  invalid_token: { status: 401, type: 'UNAUTHENTICATED', en: 'The access token is invalid', es: 'El token de acceso no es válido' },
  token_expired: { status: 401, type: 'UNAUTHENTICATED', en: 'The access token has expired', es: 'El token de acceso ha expirado' },
  token_revoked: { status: 401, type: 'UNAUTHENTICATED', en: 'The access token has been revoked', es: 'El token de acceso fue revocado' },
  insufficient_scope: { status: 401, type: 'UNAUTHENTICATED', en: 'The access token lacks the scope this operation needs', es: 'El token de acceso no tiene el alcance que requiere esta operación' },
  admin_token_required: { status: 401, type: 'UNAUTHENTICATED', en: 'The X-Mock-Admin-Token header is required', es: 'Se requiere el encabezado X-Mock-Admin-Token' },
  invalid_admin_token: { status: 401, type: 'UNAUTHENTICATED', en: 'The X-Mock-Admin-Token header is wrong', es: 'El encabezado X-Mock-Admin-Token no es correcto' },
  forbidden: { status: 403, type: 'PERMISSION_DENIED', en: 'The resource belongs to another entity', es: 'El recurso pertenece a otra entidad' },
  account_not_found: notFound('Account not found', 'Cuenta no encontrada'),
  customer_not_found: notFound('Customer not found', 'Cliente no encontrado'),
  key_not_found: notFound('Key not found', 'Llave no encontrada'),
  resolution_not_found: notFound('Resolution not found', 'Resolución no encontrada'),
  recipient_not_found: notFound('Recipient not found', 'Destinatario no encontrado'),
  payment_not_found: notFound('Payment not found', 'Pago no encontrado'),
  qr_code_not_found: notFound('QR code not found', 'Código QR no encontrado'),
  token_not_found: notFound('Token not found', 'Token no encontrado'),
  fault_not_found: notFound('Fault rule not found', 'Regla de falla no encontrada'),
  webhook_not_found: notFound('Webhook endpoint not found', 'Endpoint de webhook no encontrado'),
  entity_not_found: notFound('Entity not found', 'Entidad no encontrada'),
  payment_authorization_not_found: notFound('The entity has no payment authorization configured', 'La entidad no tiene autorización de pagos configurada'),
  route_not_found: notFound('No route matches this path', 'Ninguna ruta coincide con esta ruta de acceso'),
  method_not_allowed: { status: 405, type: 'METHOD_NOT_ALLOWED', en: 'This method is not allowed on this path', es: 'Este método no está permitido en esta ruta' },
  request_timeout: { status: 408, type: 'INVALID_ARGUMENT', en: 'The request did not arrive whole within the request timeout', es: 'La solicitud no llegó completa dentro del tiempo de espera' },
  already_exists: { status: 409, type: 'ALREADY_EXISTS', en: 'The resource already exists', es: 'El recurso ya existe' },
  invalid_state: { status: 409, type: 'FAILED_PRECONDITION', en: 'The resource is not in a state that allows this operation', es: 'El recurso no está en un estado que permita esta operación' },
  payload_too_large: { status: 413, type: 'PAYLOAD_TOO_LARGE', en: 'The request body is too large', es: 'El cuerpo de la solicitud es demasiado grande' },
  unsupported_media_type: { status: 415, type: 'UNSUPPORTED_MEDIA_TYPE', en: 'This route does not accept the request body media type', es: 'Esta ruta no acepta el tipo de contenido del cuerpo de la solicitud' },
  rate_limited: { status: 429, type: 'RESOURCE_EXHAUSTED', en: 'Too many requests', es: 'Demasiadas solicitudes' },
  request_headers_too_large: { status: 431, type: 'INVALID_ARGUMENT', en: 'The request line and headers are larger than 16 KiB', es: 'La línea de solicitud y los encabezados superan 16 KiB' },
  internal_error: { status: 500, type: 'INTERNAL', en: 'Internal server error', es: 'Error interno del servidor' },
  storage_full: {
    status: 503,
    type: 'UNAVAILABLE',
    en: 'The disk holding the mock’s database is full: nothing was stored; free some space and retry',
    es: 'El disco que guarda la base de datos del mock está lleno: no se guardó nada; libere espacio y reintente',
  },
  service_unavailable: { status: 503, type: 'UNAVAILABLE', en: 'The service is unavailable', es: 'El servicio no está disponible' },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

/** The resources whose absence has a code of its own (`<resource>_not_found`). */
export type NotFoundResource = 'account' | 'customer' | 'key' | 'resolution' | 'recipient' | 'payment' | 'qr_code' | 'token' | 'fault' | 'webhook' | 'entity' | 'payment_authorization'

/** Every status the contract names, with the type an answer of that status carries. */
const TYPE_BY_STATUS: Record<number, string> = {
  401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  409: 'ALREADY_EXISTS', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE',
}

/** CONTRACT §2: a status without a catalogued code gets INVALID_ARGUMENT (4xx) or INTERNAL (5xx). */
export function typeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL')
}
