import { SIGNALS_REFERENCE_URL } from '../lambda/processor/constants.ts';
import type { SignalCode, SignalDescription, SignalGroup } from '../lambda/processor/signals/types.ts';

// What Smartcar's signal reference says of each signal, in our words: group, name, a one-line
// description and an example body (Smartcar's own where its page shows one). Read from the
// reference pages under SIGNALS_REFERENCE_URL. The compiler checks each example against the
// signal's documented type, and the mapped type below fails the build when a signal of
// SIGNAL_SHAPES has no entry here or an entry has no shape. Not loaded by the processor Lambda:
// tests, `npm run send` and the local console use it.

type Entry<C extends SignalCode> = Omit<SignalDescription<C>, 'code' | 'url' | 'exampleSource'> & {
  /** @default 'documented' */
  exampleSource?: 'constructed';
};

const STATUS_OK = { status: 'OK', description: 'No fault reported' } as const;

const ENTRIES: { [C in SignalCode]: Entry<C> } = {
  'charge-amperage': {
    group: 'Charge',
    name: 'Amperage',
    doc: 'Current flowing into the vehicle while it charges, in amperes.',
    example: { unit: 'ampere', value: 32 },
  },
  'charge-amperagemax': {
    group: 'Charge',
    name: 'AmperageMax',
    doc: 'The most current the vehicle can draw for charging, in amperes.',
    example: { unit: 'ampere', value: 48 },
  },
  'charge-amperagerequested': {
    group: 'Charge',
    name: 'AmperageRequested',
    doc: 'The charging current the vehicle asks the charger for, in amperes.',
    example: { unit: 'ampere', value: 32 },
  },
  'charge-chargelimits': {
    group: 'Charge',
    name: 'ChargeLimits',
    doc: 'Configured state-of-charge limits (global, per location, per connector) and the one in force.',
    example: {
      values: [
        { type: 'global', limit: 80, condition: null },
        {
          type: 'location',
          limit: 90,
          condition: { name: 'Home', address: '123 Main St', latitude: 37.7749, longitude: -122.4194 },
        },
      ],
      activeLimit: 100,
      unit: 'percent',
    },
  },
  'charge-chargeportstatuscolor': {
    group: 'Charge',
    name: 'ChargePortStatusColor',
    doc: 'Colour of the status light at the charge port.',
    example: { value: 'GREEN' },
  },
  'charge-chargerate': {
    group: 'Charge',
    name: 'ChargeRate',
    doc: 'How fast charging adds range right now (range per hour).',
    example: { unit: 'km/h', value: 25 },
  },
  'charge-chargerecords': {
    group: 'Charge',
    name: 'ChargeRecords',
    doc: 'Past (and ongoing) charging sessions the vehicle keeps: times, energy, cost, place.',
    example: {
      values: [
        {
          id: 'CHG123',
          cost: { currency: 'USD', otherAmount: 2, energyAmount: 10.5 },
          endTime: '2023-10-15T08:00:00Z',
          location: { name: 'Home Charger', address: '123 Main St', latitude: 37.7749, longitude: -122.4194 },
          startTime: '2023-10-15T00:00:00Z',
          energyAdded: 40.5,
          connectorType: 'J1772',
          isPublicCharger: false,
          endStateOfCharge: 90,
          startStateOfCharge: 20,
        },
      ],
    },
  },
  'charge-chargetimers': {
    group: 'Charge',
    name: 'ChargeTimers',
    doc: 'Charging schedules and departure timers (global, per location, per connector).',
    example: {
      values: [
        {
          type: 'GLOBAL',
          condition: null,
          schedules: [{ days: ['MONDAY', 'TUESDAY'], start: '22:00:00', end: '06:00:00' }],
          departureTimers: [{ days: ['MONDAY'], time: '07:30:00' }],
          isOEMOptimizationEnabled: false,
        },
      ],
    },
    exampleSource: 'constructed',
  },
  'charge-chargerphases': {
    group: 'Charge',
    name: 'ChargerPhases',
    doc: 'How many phases the connected charger supplies.',
    example: { value: 3 },
  },
  'charge-chargingconnectortype': {
    group: 'Charge',
    name: 'ChargingConnectorType',
    doc: "The type of the vehicle's charging inlet, e.g. J1772.",
    example: { value: 'J1772' },
  },
  'charge-detailedchargingstatus': {
    group: 'Charge',
    name: 'DetailedChargingStatus',
    doc: 'Where the charging process stands: charging, not charging, or fully charged.',
    example: { value: 'CHARGING' },
  },
  'charge-energyadded': {
    group: 'Charge',
    name: 'EnergyAdded',
    doc: 'Energy delivered in the current or last charging session, in kWh.',
    example: { unit: 'kWh', value: 25.5 },
  },
  'charge-fastchargertype': {
    group: 'Charge',
    name: 'FastChargerType',
    doc: 'The DC fast-charging standard in use, e.g. CCS.',
    example: { value: 'CCS' },
  },
  'charge-ischarging': {
    group: 'Charge',
    name: 'IsCharging',
    doc: 'Whether the vehicle is receiving charging power now.',
    example: { value: true },
  },
  'charge-ischargingcableconnected': {
    group: 'Charge',
    name: 'IsChargingCableConnected',
    doc: 'Whether a charging cable is plugged into the vehicle.',
    example: { value: true },
  },
  'charge-ischargingcablelatched': {
    group: 'Charge',
    name: 'IsChargingCableLatched',
    doc: 'Whether the plugged-in charging cable is locked to the port.',
    example: { value: true },
  },
  'charge-ischargingportflapopen': {
    group: 'Charge',
    name: 'IsChargingPortFlapOpen',
    doc: 'Whether the charge port door is open.',
    example: { value: true },
  },
  'charge-isfastchargerpresent': {
    group: 'Charge',
    name: 'IsFastChargerPresent',
    doc: 'Whether the vehicle is connected to a DC fast charger.',
    example: { value: true },
  },
  'charge-timetocomplete': {
    group: 'Charge',
    name: 'TimeToComplete',
    doc: 'Estimated minutes until charging reaches the active limit.',
    example: { value: 45 },
  },
  'charge-voltage': {
    group: 'Charge',
    name: 'Voltage',
    doc: 'Voltage supplied to the vehicle while it charges.',
    example: { unit: 'volts', value: 240 },
  },
  'charge-wattage': {
    group: 'Charge',
    name: 'Wattage',
    doc: 'Power delivered to the vehicle while it charges.',
    example: { unit: 'watts', value: 250 },
  },
  'climate-externaltemperature': {
    group: 'Climate',
    name: 'ExternalTemperature',
    doc: 'Temperature outside the vehicle.',
    example: { unit: 'celsius', value: 22.5 },
  },
  'climate-internaltemperature': {
    group: 'Climate',
    name: 'InternalTemperature',
    doc: 'Temperature inside the cabin.',
    example: { unit: 'celsius', value: 21.5 },
  },
  'closure-doors': {
    group: 'Closure',
    name: 'Doors',
    doc: 'Open and locked state of each door, by row and column.',
    example: {
      values: [
        { row: 0, column: 0, isOpen: false, isLocked: true },
        { row: 0, column: 1, isOpen: false, isLocked: true },
      ],
      rowCount: 2,
      columnCount: 2,
    },
  },
  'closure-enginecover': {
    group: 'Closure',
    name: 'EngineCover',
    doc: 'Whether the hood of a combustion or plug-in hybrid vehicle is open.',
    example: { isOpen: false },
    exampleSource: 'constructed',
  },
  'closure-fronttrunk': {
    group: 'Closure',
    name: 'FrontTrunk',
    doc: 'Open and locked state of the front trunk.',
    example: { isOpen: false, isLocked: true },
    exampleSource: 'constructed',
  },
  'closure-islocked': {
    group: 'Closure',
    name: 'IsLocked',
    doc: "Whether the vehicle's closures are locked.",
    example: { value: true },
    exampleSource: 'constructed',
  },
  'closure-reartrunk': {
    group: 'Closure',
    name: 'RearTrunk',
    doc: 'Open and locked state of the rear trunk.',
    example: { isOpen: false, isLocked: true },
    exampleSource: 'constructed',
  },
  'closure-sunroof': {
    group: 'Closure',
    name: 'Sunroof',
    doc: 'Whether the sunroof is open.',
    example: { isOpen: false },
    exampleSource: 'constructed',
  },
  'closure-windows': {
    group: 'Closure',
    name: 'Windows',
    doc: 'Whether each window is open, by row and column.',
    example: {
      values: [
        { row: 0, column: 0, isOpen: false },
        { row: 0, column: 1, isOpen: false },
      ],
      rowCount: 2,
      columnCount: 2,
    },
  },
  'connectivitysoftware-currentfirmwareversion': {
    group: 'ConnectivitySoftware',
    name: 'CurrentFirmwareVersion',
    doc: "The vehicle's installed software (firmware) version.",
    example: { value: '2024.44.25' },
    exampleSource: 'constructed',
  },
  'connectivitystatus-isasleep': {
    group: 'ConnectivityStatus',
    name: 'IsAsleep',
    doc: 'Whether the vehicle is in a low-power sleep state.',
    example: { value: false },
  },
  'connectivitystatus-isdigitalkeypaired': {
    group: 'ConnectivityStatus',
    name: 'IsDigitalKeyPaired',
    doc: 'Whether a digital key is paired with the vehicle.',
    example: { value: true },
  },
  'connectivitystatus-isonline': {
    group: 'ConnectivityStatus',
    name: 'IsOnline',
    doc: 'Whether the vehicle is connected.',
    example: { value: true },
  },
  'diagnostics-abs': {
    group: 'Diagnostics',
    name: 'ABS',
    doc: 'Health of the anti-lock braking system.',
    example: { status: 'OK', description: 'ABS system functioning normally' },
  },
  'diagnostics-activesafety': {
    group: 'Diagnostics',
    name: 'ActiveSafety',
    doc: 'Health of the active safety (accident prevention) systems.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-airbag': {
    group: 'Diagnostics',
    name: 'Airbag',
    doc: 'Readiness of the airbag system.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-brakefluid': {
    group: 'Diagnostics',
    name: 'BrakeFluid',
    doc: 'Condition and level of the brake fluid.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-dtccount': {
    group: 'Diagnostics',
    name: 'DTCCount',
    doc: 'How many diagnostic trouble codes are active.',
    example: { unit: 'count', value: 2 },
  },
  'diagnostics-dtclist': {
    group: 'Diagnostics',
    name: 'DTCList',
    doc: 'The active diagnostic trouble codes and when each was first logged.',
    example: {
      values: [
        { code: 'P0300', timestamp: '2023-10-15T08:00:00Z' },
        { code: 'P0171', timestamp: '2023-10-15T08:00:00Z' },
      ],
    },
  },
  'diagnostics-driverassistance': {
    group: 'Diagnostics',
    name: 'DriverAssistance',
    doc: 'Health of the driver assistance systems.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-evbatteryconditioning': {
    group: 'Diagnostics',
    name: 'EVBatteryConditioning',
    doc: 'Health of the high-voltage battery thermal management.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-evcharging': {
    group: 'Diagnostics',
    name: 'EVCharging',
    doc: 'Health of the charging system.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-evdriveunit': {
    group: 'Diagnostics',
    name: 'EVDriveUnit',
    doc: 'Health of the electric drive unit.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-evhvbattery': {
    group: 'Diagnostics',
    name: 'EVHVBattery',
    doc: 'Health of the high-voltage battery.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-emissions': {
    group: 'Diagnostics',
    name: 'Emissions',
    doc: 'Health of the exhaust emission controls.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-lighting': {
    group: 'Diagnostics',
    name: 'Lighting',
    doc: 'Health of the interior and exterior lights.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-mil': {
    group: 'Diagnostics',
    name: 'MIL',
    doc: 'State of the malfunction indicator lamp (check engine light).',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-oillife': {
    group: 'Diagnostics',
    name: 'OilLife',
    doc: 'Whether the engine oil still has useful life left.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-oilpressure': {
    group: 'Diagnostics',
    name: 'OilPressure',
    doc: 'Health of the engine oil pressure and lubrication.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-oiltemperature': {
    group: 'Diagnostics',
    name: 'OilTemperature',
    doc: 'Whether the engine oil temperature is in range.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-telematics': {
    group: 'Diagnostics',
    name: 'Telematics',
    doc: "Health of the vehicle's connectivity unit.",
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-tirepressure': {
    group: 'Diagnostics',
    name: 'TirePressure',
    doc: 'Whether the tire pressures are in range.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-tirepressuremonitoring': {
    group: 'Diagnostics',
    name: 'TirePressureMonitoring',
    doc: 'Health of the tire pressure monitoring system itself.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-transmission': {
    group: 'Diagnostics',
    name: 'Transmission',
    doc: 'Health of the transmission.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-washerfluid': {
    group: 'Diagnostics',
    name: 'WasherFluid',
    doc: 'Whether the washer fluid reservoir needs attention.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'diagnostics-waterinfuel': {
    group: 'Diagnostics',
    name: 'WaterInFuel',
    doc: 'Whether water was detected in the fuel system.',
    example: STATUS_OK,
    exampleSource: 'constructed',
  },
  'hvac-cabintargettemperature': {
    group: 'HVAC',
    name: 'CabinTargetTemperature',
    doc: 'The cabin temperature the climate control aims for.',
    example: { unit: 'celsius', value: 22 },
  },
  'hvac-iscabinhvacactive': {
    group: 'HVAC',
    name: 'IsCabinHVACActive',
    doc: 'Whether the cabin climate control is running.',
    example: { value: true },
  },
  'hvac-isfrontdefrosteractive': {
    group: 'HVAC',
    name: 'IsFrontDefrosterActive',
    doc: 'Whether the windshield defroster is on.',
    example: { value: false },
  },
  'hvac-isreardefrosteractive': {
    group: 'HVAC',
    name: 'IsRearDefrosterActive',
    doc: 'Whether the rear window defroster is on.',
    example: { value: false },
  },
  'hvac-issteeringheateractive': {
    group: 'HVAC',
    name: 'IsSteeringHeaterActive',
    doc: 'Whether the steering wheel heater is on.',
    example: { value: true },
  },
  'internalcombustionengine-amountremaining': {
    group: 'InternalCombustionEngine',
    name: 'AmountRemaining',
    doc: 'How much fuel is left in the tank, as a volume.',
    example: { value: 42.5, unit: 'liters' },
  },
  'internalcombustionengine-fuellevel': {
    group: 'InternalCombustionEngine',
    name: 'FuelLevel',
    doc: 'How full the fuel tank is, in percent.',
    example: { value: 65, unit: 'percent' },
  },
  'internalcombustionengine-oillife': {
    group: 'InternalCombustionEngine',
    name: 'OilLife',
    doc: 'Remaining life of the engine oil in percent (100 just changed, 0 change now); not the oil level.',
    example: { value: 72, unit: 'percent' },
  },
  'internalcombustionengine-range': {
    group: 'InternalCombustionEngine',
    name: 'Range',
    doc: 'Estimated distance the fuel left will take the vehicle.',
    example: { unit: 'kilometers', value: 450 },
  },
  'location-isathome': {
    group: 'Location',
    name: 'IsAtHome',
    doc: 'Whether the vehicle is at the home location its owner set in the OEM app.',
    example: { value: true },
  },
  'location-preciselocation': {
    group: 'Location',
    name: 'PreciseLocation',
    doc: "The vehicle's coordinates and heading (personal data: never log it).",
    example: { heading: 45.5, latitude: 37.7749, longitude: -122.4194, direction: 'NE', locationType: 'CURRENT' },
  },
  'lowvoltagebattery-stateofcharge': {
    group: 'LowVoltageBattery',
    name: 'StateOfCharge',
    doc: 'Charge level of the 12 V (low-voltage) battery, in percent.',
    example: { unit: 'percent', value: 95 },
  },
  'lowvoltagebattery-status': {
    group: 'LowVoltageBattery',
    name: 'Status',
    doc: 'Condition of the low-voltage battery: good, warning or bad.',
    example: { value: 'GOOD' },
  },
  'motion-currentspeed': {
    group: 'Motion',
    name: 'CurrentSpeed',
    doc: 'How fast the vehicle is driving; 0 when it is not.',
    example: { unit: 'kph', value: 65 },
  },
  'odometer-traveleddistance': {
    group: 'Odometer',
    name: 'TraveledDistance',
    doc: 'Total distance the vehicle has driven.',
    example: { unit: 'kilometers', value: 50000 },
  },
  'service-isinservice': {
    group: 'Service',
    name: 'IsInService',
    doc: 'Whether the vehicle is at a service appointment now.',
    example: { value: false },
  },
  'service-records': {
    group: 'Service',
    name: 'Records',
    doc: 'Services performed on the vehicle: when, tasks, cost and odometer.',
    example: {
      values: [
        {
          id: 'SVC-2024-001',
          cost: { amount: 150, currency: 'USD' },
          time: '2024-01-15T14:30:00Z',
          tasks: [{ id: 'TSK-001', description: 'Oil Change' }],
          details: [{ id: 'DTL-001', description: '5W-30 Synthetic Oil Used' }],
          odometer: 50000,
        },
      ],
    },
  },
  'surveillance-isenabled': {
    group: 'Surveillance',
    name: 'IsEnabled',
    doc: "Whether the vehicle's surveillance (e.g. sentry) mode is on.",
    example: { value: true },
  },
  'surveillance-brand': {
    group: 'Surveillance',
    name: 'Brand',
    doc: "The OEM's name for its surveillance feature (an attribute).",
    example: { value: 'Sentry Mode' },
  },
  'tractionbattery-isheateractive': {
    group: 'TractionBattery',
    name: 'IsHeaterActive',
    doc: 'Whether the high-voltage battery heater is running.',
    example: { value: false },
    exampleSource: 'constructed',
  },
  'tractionbattery-maxrangechargecounter': {
    group: 'TractionBattery',
    name: 'MaxRangeChargeCounter',
    doc: 'How many times the vehicle was charged to its maximum range.',
    example: { value: 12 },
    exampleSource: 'constructed',
  },
  'tractionbattery-nominalcapacity': {
    group: 'TractionBattery',
    name: 'NominalCapacity',
    doc: 'Gross capacity of the high-voltage battery, with the capacities the model comes in.',
    example: {
      source: 'SMARTCAR',
      capacity: 73.5,
      availableCapacities: [
        { capacity: 73.5, description: 'BEV:Extended Range' },
        { capacity: 80.9, description: null },
      ],
      unit: 'kWh',
    },
  },
  'tractionbattery-range': {
    group: 'TractionBattery',
    name: 'Range',
    doc: 'Best available estimate of the electric range left.',
    example: { unit: 'kilometers', value: 350 },
  },
  'tractionbattery-stateofcharge': {
    group: 'TractionBattery',
    name: 'StateOfCharge',
    doc: 'Charge level of the high-voltage battery, in percent (0-100).',
    example: { unit: 'percent', value: 75 },
  },
  'transmission-drivemode': {
    group: 'Transmission',
    name: 'DriveMode',
    doc: 'The selected drive mode, normalised across OEMs, with the OEM label.',
    example: { canonical: 'NORMAL', oemDisplayName: 'everyday' },
  },
  'transmission-gearstate': {
    group: 'Transmission',
    name: 'GearState',
    doc: 'The selected gear: park, drive, reverse or neutral.',
    example: { value: 'DRIVE' },
  },
  'vehicleidentification-nickname': {
    group: 'VehicleIdentification',
    name: 'Nickname',
    doc: 'The name the owner gave the vehicle.',
    example: { value: 'Blue Thunder' },
    exampleSource: 'constructed',
  },
  'vehicleidentification-exteriorcolor': {
    group: 'VehicleIdentification',
    name: 'ExteriorColor',
    doc: "The manufacturer's name for the paint colour (an attribute).",
    example: { value: 'Pearl White' },
    exampleSource: 'constructed',
  },
  'vehicleidentification-vin': {
    group: 'VehicleIdentification',
    name: 'VIN',
    doc: 'The 17-character vehicle identification number (an attribute; personal data: never log it).',
    example: { value: '5YJ3E1EA0KF000000' },
    exampleSource: 'constructed',
  },
  'vehicleuseraccount-permissions': {
    group: 'VehicleUserAccount',
    name: 'Permissions',
    doc: "What the connected OEM account may do, as the OEM grants it (not your app's Smartcar scopes).",
    example: { values: ['vehicle_cmds', 'vehicle_device_data'] },
  },
  'vehicleuseraccount-role': {
    group: 'VehicleUserAccount',
    name: 'Role',
    doc: "The connected account's access level at the OEM, e.g. primary or secondary user.",
    example: { value: 'Driver' },
  },
  'wheel-tires': {
    group: 'Wheel',
    name: 'Tires',
    doc: 'Pressure of each tire, by row and column (the docs give no unit).',
    example: {
      values: [
        { row: 0, column: 0, tirePressure: 250 },
        { row: 0, column: 1, tirePressure: 250 },
        { row: 1, column: 0, tirePressure: 245 },
        { row: 1, column: 1, tirePressure: 245 },
      ],
      rowCount: 2,
      columnCount: 2,
    },
    exampleSource: 'constructed',
  },
  'wheel-style': {
    group: 'Wheel',
    name: 'Style',
    doc: "The vehicle's wheel style (an attribute).",
    example: { value: '20" Induction' },
    exampleSource: 'constructed',
  },
};

/** The 19 groups of Smartcar's signal reference, in its order. */
export const SIGNAL_GROUPS: readonly SignalGroup[] = [
  'Charge',
  'Climate',
  'Closure',
  'ConnectivitySoftware',
  'ConnectivityStatus',
  'Diagnostics',
  'HVAC',
  'InternalCombustionEngine',
  'Location',
  'LowVoltageBattery',
  'Motion',
  'Odometer',
  'Service',
  'Surveillance',
  'TractionBattery',
  'Transmission',
  'VehicleIdentification',
  'VehicleUserAccount',
  'Wheel',
];

/**
 * The page of Smartcar's signal reference that documents a group.
 *
 * @example
 * ```ts
 * signalPageUrl('TractionBattery'); // 'https://smartcar.com/docs/api-reference/signals/tractionbattery'
 * ```
 */
export function signalPageUrl(group: SignalGroup): string {
  return `${SIGNALS_REFERENCE_URL}${group.toLowerCase()}`;
}

/**
 * Every documented signal, in code order, with its page.
 *
 * @example
 * ```ts
 * const soc = SIGNAL_CATALOGUE.find((signal) => signal.code === 'tractionbattery-stateofcharge');
 * soc?.example; // { unit: 'percent', value: 75 }
 * ```
 */
export const SIGNAL_CATALOGUE: readonly SignalDescription[] = (Object.keys(ENTRIES) as SignalCode[]).map((code) => {
  const { exampleSource = 'documented', ...entry } = ENTRIES[code] as Entry<SignalCode>;
  return { code, ...entry, url: signalPageUrl(entry.group), exampleSource } as SignalDescription;
});

/**
 * The catalogue's entry for a code, or `undefined` for a code it does not list.
 *
 * @example
 * ```ts
 * describeSignal('charge-ischarging')?.doc; // 'Whether the vehicle is receiving charging power now.'
 * ```
 */
export function describeSignal<C extends SignalCode>(code: C): SignalDescription<C>;
export function describeSignal(code: string): SignalDescription | undefined;
export function describeSignal(code: string): SignalDescription | undefined {
  return SIGNAL_CATALOGUE.find((signal) => signal.code === code);
}
