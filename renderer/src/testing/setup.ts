// Unit-test setup: waitFor and findBy* wait for what the page does, not for how fast this machine is.
// A loaded 2-core CI machine needs more than testing-library's default second.
import { configure } from '@testing-library/dom';

configure({ asyncUtilTimeout: 5_000 });
