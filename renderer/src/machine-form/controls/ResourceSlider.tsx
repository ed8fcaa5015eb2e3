import { useState, type ReactNode } from 'react';
import type { Range } from '../form/checks';
import { Field } from '../../ui/Field';

export interface ResourceSliderProps {
  /** "Memory": the slider's name; the number field is "Memory in GB". */
  label: string;
  /** Plural: "GB", "cores" (one core is "1 core"). */
  unit: string;
  /** The number field's name; default "<label> in <unit>". */
  numberLabel?: string;
  value: number;
  range: Range;
  onChange: (value: number) => void;
  error?: string | undefined;
  warning?: string | undefined;
  hint?: ReactNode;
  aside?: ReactNode;
  disabled?: boolean;
}

/** "1 core", "2 cores", "8 GB". */
export function amount(value: number, unit: string): string {
  return value === 1 && unit.endsWith('s') ? `1 ${unit.slice(0, -1)}` : `${value} ${unit}`;
}

/** A whole number, or NaN for anything else ('' and '1.5' included), so validation can say what is wrong. */
export function parseWhole(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

/**
 * A slider for quick choices and a number field for exact ones, showing the same value. The number
 * field keeps what is typed (even an empty field) until it is a number again.
 */
export function ResourceSlider({
  label,
  unit,
  numberLabel,
  value,
  range,
  onChange,
  error,
  warning,
  hint,
  aside,
  disabled,
}: ResourceSliderProps) {
  const [text, setText] = useState(Number.isNaN(value) ? '' : String(value));
  const [shown, setShown] = useState(value);
  // The value changed from outside (the slider, a reset): show it, unless the text already says it.
  if (!Object.is(shown, value)) {
    setShown(value);
    if (!Object.is(parseWhole(text), value) && !Number.isNaN(value)) setText(String(value));
  }
  const sliderValue = Number.isFinite(value) ? Math.min(range.max, Math.max(range.min, value)) : range.min;
  const noRoom = range.max <= range.min;
  return (
    <Field label={label} error={error} warning={warning} hint={hint} aside={aside} className="resource">
      {(control) => (
        <div className="resource-controls">
          <div className="resource-slider">
            <input
              {...control}
              type="range"
              aria-label={label}
              aria-valuetext={amount(sliderValue, unit)}
              min={range.min}
              max={noRoom ? range.min + 1 : range.max}
              step={1}
              value={sliderValue}
              disabled={disabled || noRoom}
              onChange={(e) => {
                const next = Number(e.target.value);
                setText(String(next));
                onChange(next);
              }}
            />
            <div className="resource-scale" aria-hidden="true">
              <span>{amount(range.min, unit)}</span>
              <span>{amount(range.max, unit)}</span>
            </div>
          </div>
          <span className="resource-number">
            <input
              type="number"
              inputMode="numeric"
              aria-label={numberLabel ?? `${label} in ${unit}`}
              aria-invalid={control['aria-invalid']}
              aria-describedby={control['aria-describedby']}
              min={range.min}
              max={range.max}
              step={1}
              value={text}
              disabled={disabled}
              onChange={(e) => {
                setText(e.target.value);
                onChange(parseWhole(e.target.value));
              }}
            />
            <span className="resource-unit">{unit}</span>
          </span>
        </div>
      )}
    </Field>
  );
}
