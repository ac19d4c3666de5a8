// The documented body shape of every signal Smartcar lists, as data: the one source of the body
// types (`SignalBody<C>` in ./types.ts derives them) and of the run-time check (./access.ts).
// Descriptions, examples and page links live in lib/signal-catalogue.ts, which no Lambda loads,
// so these shapes are all the catalogue adds to the Lambda bundle.
//
// A key ending in `?` is optional: absent or `null` passes. A signal's headline field (`value`
// and its `unit`, a location's coordinates) is required even where the docs flag every field
// optional, because a body without it says nothing; other fields follow the docs' `required`.
//
// The shape language itself (FieldSpec and its kinds) is defined here too, so the types in
// ./types.ts derive from this file and nothing here imports them back.

/** A JSON primitive field. Smartcar's `integer` fields are `'number'` here. */
export type PrimitiveSpec = 'number' | 'string' | 'boolean';

/** A string field with a closed set of documented units (`value` checked against them at run time). */
export interface UnitsSpec<U extends string = string> {
  readonly $: 'units';
  readonly values: readonly U[];
}

/** A string field whose documented values are examples, not a closed set: checked as a string. */
export interface OneOfSpec<V extends string = string> {
  readonly $: 'oneOf';
  readonly values: readonly V[];
}

/** An array whose items all have one shape. */
export interface ListSpec<I extends FieldSpec = FieldSpec> {
  readonly $: 'list';
  readonly of: I;
}

/** The fields of an object; a key ending in `?` is optional (absent or `null`). */
export interface ObjectSpec {
  readonly [field: string]: FieldSpec;
}

/** The documented shape of one field. */
export type FieldSpec = PrimitiveSpec | UnitsSpec | OneOfSpec | ListSpec | ObjectSpec;

/** A string with one of the documented units: a closed union, checked at run time. */
function units<const U extends readonly [string, ...string[]]>(...values: U): UnitsSpec<U[number]> {
  return { $: 'units', values };
}

/** A string whose documented values are listed but not exhaustive (OEMs send others): typed for autocomplete, checked only as a string. */
function oneOf<const V extends readonly string[]>(...values: V): OneOfSpec<V[number]> {
  return { $: 'oneOf', values };
}

/** An array of items of one shape. */
function list<const I extends FieldSpec>(of: I): ListSpec<I> {
  return { $: 'list', of };
}

const PERCENT = { value: 'number', unit: units('percent') } as const;
const AMPERE = { value: 'number', unit: units('ampere') } as const;
const DISTANCE = { value: 'number', unit: units('kilometers', 'miles') } as const;
const TEMPERATURE = { value: 'number', unit: units('celsius', 'fahrenheit') } as const;
const FLAG = { value: 'boolean' } as const;
const TEXT = { value: 'string' } as const;
/** The shape of every Diagnostics system-status signal. */
const SYSTEM_STATUS = { status: oneOf('ALERT', 'OK'), 'description?': 'string' } as const;
const PLACE = {
  'name?': 'string',
  'address?': 'string',
  'latitude?': 'number',
  'longitude?': 'number',
  'connectorType?': 'string',
} as const;
const GRID = { 'rowCount?': 'number', 'columnCount?': 'number' } as const;
const OPENING = { 'isOpen?': 'boolean', 'isLocked?': 'boolean' } as const;
const CONTEXT_TYPE = oneOf('GLOBAL', 'LOCATION', 'CONNECTOR');

/**
 * Body shape of each documented signal, by code.
 *
 * @example
 * ```ts
 * SIGNAL_SHAPES['tractionbattery-stateofcharge']; // { value: 'number', unit: { $: 'units', values: ['percent'] } }
 * ```
 */
export const SIGNAL_SHAPES = {
  // Charge
  'charge-amperage': AMPERE,
  'charge-amperagemax': AMPERE,
  'charge-amperagerequested': AMPERE,
  'charge-chargelimits': {
    values: list({ 'type?': CONTEXT_TYPE, 'limit?': 'number', 'condition?': PLACE }),
    'activeLimit?': 'number',
    'unit?': units('percent'),
  },
  'charge-chargeportstatuscolor': { value: oneOf('GREEN', 'BLUE', 'ORANGE') },
  'charge-chargerate': { value: 'number', unit: units('km/h') },
  'charge-chargerecords': {
    values: list({
      'id?': 'string',
      'cost?': { 'currency?': 'string', 'energyAmount?': 'number', 'otherAmount?': 'number' },
      'startTime?': 'string',
      'endTime?': 'string',
      'location?': PLACE,
      'energyAdded?': 'number',
      'connectorType?': 'string',
      'isPublicCharger?': 'boolean',
      'startStateOfCharge?': 'number',
      'endStateOfCharge?': 'number',
    }),
  },
  'charge-chargetimers': {
    values: list({
      'type?': CONTEXT_TYPE,
      'condition?': PLACE,
      'schedules?': list({ 'days?': list('string'), 'start?': 'string', 'end?': 'string' }),
      'departureTimers?': list({ 'days?': list('string'), 'time?': 'string' }),
      'isOEMOptimizationEnabled?': 'boolean',
    }),
  },
  'charge-chargerphases': { value: 'number' },
  'charge-chargingconnectortype': TEXT,
  'charge-detailedchargingstatus': { value: oneOf('CHARGING', 'NOT_CHARGING', 'FULLY_CHARGED') },
  'charge-energyadded': { value: 'number', unit: units('kWh') },
  'charge-fastchargertype': TEXT,
  'charge-ischarging': FLAG,
  'charge-ischargingcableconnected': FLAG,
  'charge-ischargingcablelatched': FLAG,
  'charge-ischargingportflapopen': FLAG,
  'charge-isfastchargerpresent': FLAG,
  'charge-timetocomplete': { value: 'number', 'unit?': 'string' },
  'charge-voltage': { value: 'number', unit: units('volts') },
  'charge-wattage': { value: 'number', unit: units('watts') },
  // Climate
  'climate-externaltemperature': TEMPERATURE,
  'climate-internaltemperature': TEMPERATURE,
  // Closure
  'closure-doors': {
    values: list({ 'row?': 'number', 'column?': 'number', ...OPENING }),
    ...GRID,
  },
  'closure-enginecover': { 'isOpen?': 'boolean' },
  'closure-fronttrunk': OPENING,
  'closure-islocked': FLAG,
  'closure-reartrunk': OPENING,
  'closure-sunroof': { 'isOpen?': 'boolean' },
  'closure-windows': { values: list({ row: 'number', column: 'number', isOpen: 'boolean' }), ...GRID },
  // ConnectivitySoftware
  'connectivitysoftware-currentfirmwareversion': TEXT,
  // ConnectivityStatus
  'connectivitystatus-isasleep': FLAG,
  'connectivitystatus-isdigitalkeypaired': FLAG,
  'connectivitystatus-isonline': FLAG,
  // Diagnostics
  'diagnostics-abs': SYSTEM_STATUS,
  'diagnostics-activesafety': SYSTEM_STATUS,
  'diagnostics-airbag': SYSTEM_STATUS,
  'diagnostics-brakefluid': SYSTEM_STATUS,
  'diagnostics-dtccount': { value: 'number', unit: units('count') },
  'diagnostics-dtclist': { values: list({ code: 'string', 'timestamp?': 'string' }) },
  'diagnostics-driverassistance': SYSTEM_STATUS,
  'diagnostics-evbatteryconditioning': SYSTEM_STATUS,
  'diagnostics-evcharging': SYSTEM_STATUS,
  'diagnostics-evdriveunit': SYSTEM_STATUS,
  'diagnostics-evhvbattery': SYSTEM_STATUS,
  'diagnostics-emissions': SYSTEM_STATUS,
  'diagnostics-lighting': SYSTEM_STATUS,
  'diagnostics-mil': SYSTEM_STATUS,
  'diagnostics-oillife': SYSTEM_STATUS,
  'diagnostics-oilpressure': SYSTEM_STATUS,
  'diagnostics-oiltemperature': SYSTEM_STATUS,
  'diagnostics-telematics': SYSTEM_STATUS,
  'diagnostics-tirepressure': SYSTEM_STATUS,
  'diagnostics-tirepressuremonitoring': SYSTEM_STATUS,
  'diagnostics-transmission': SYSTEM_STATUS,
  'diagnostics-washerfluid': SYSTEM_STATUS,
  'diagnostics-waterinfuel': SYSTEM_STATUS,
  // HVAC
  'hvac-cabintargettemperature': TEMPERATURE,
  'hvac-iscabinhvacactive': FLAG,
  'hvac-isfrontdefrosteractive': FLAG,
  'hvac-isreardefrosteractive': FLAG,
  'hvac-issteeringheateractive': FLAG,
  // InternalCombustionEngine
  'internalcombustionengine-amountremaining': { value: 'number', unit: units('liters', 'gallons') },
  'internalcombustionengine-fuellevel': PERCENT,
  'internalcombustionengine-oillife': PERCENT,
  'internalcombustionengine-range': DISTANCE,
  // Location
  'location-isathome': FLAG,
  'location-preciselocation': {
    latitude: 'number',
    longitude: 'number',
    'heading?': 'number',
    'direction?': oneOf('N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'),
    'locationType?': oneOf('LAST_PARKED', 'CURRENT'),
  },
  // LowVoltageBattery
  'lowvoltagebattery-stateofcharge': PERCENT,
  'lowvoltagebattery-status': { value: oneOf('GOOD', 'WARN', 'BAD') },
  // Motion
  'motion-currentspeed': { value: 'number', unit: units('kph', 'mph') },
  // Odometer
  'odometer-traveleddistance': DISTANCE,
  // Service
  'service-isinservice': FLAG,
  'service-records': {
    values: list({
      'id?': 'string',
      'cost?': { 'amount?': 'number', 'currency?': 'string' },
      'time?': 'string',
      'tasks?': list({ 'id?': 'string', 'description?': 'string' }),
      'details?': list({ 'id?': 'string', 'description?': 'string' }),
      'odometer?': 'number',
    }),
  },
  // Surveillance
  'surveillance-isenabled': FLAG,
  'surveillance-brand': TEXT,
  // TractionBattery
  'tractionbattery-isheateractive': FLAG,
  'tractionbattery-maxrangechargecounter': { value: 'number', 'unit?': 'string' },
  'tractionbattery-nominalcapacity': {
    capacity: 'number',
    'source?': oneOf('SMARTCAR', 'USER_SELECTED'),
    'availableCapacities?': list({ 'capacity?': 'number', 'description?': 'string' }),
    'unit?': units('kWh'),
  },
  'tractionbattery-range': {
    ...DISTANCE,
    'additionalValues?': list({ type: oneOf('IDEAL_CONDITIONS', 'ESTIMATED', 'RATED'), value: 'number' }),
  },
  'tractionbattery-stateofcharge': PERCENT,
  // Transmission
  'transmission-drivemode': {
    canonical: oneOf('ECONOMY', 'NORMAL', 'SPORT', 'SNOW', 'TOW', 'OFF_ROAD'),
    oemDisplayName: 'string',
  },
  'transmission-gearstate': { value: oneOf('PARK', 'DRIVE', 'REVERSE', 'NEUTRAL') },
  // VehicleIdentification
  'vehicleidentification-nickname': TEXT,
  'vehicleidentification-exteriorcolor': TEXT,
  'vehicleidentification-vin': TEXT,
  // VehicleUserAccount
  'vehicleuseraccount-permissions': { values: list('string') },
  'vehicleuseraccount-role': TEXT,
  // Wheel
  'wheel-tires': { values: list({ row: 'number', column: 'number', tirePressure: 'number' }), ...GRID },
  'wheel-style': TEXT,
} as const satisfies Record<string, ObjectSpec>;
