package cohort

import "crypto/sha256"

// idSet remembers the patient ids seen in a file and the row of each, for
// the duplicate check, in bounded memory per id: the key is the first 128
// bits of the id's SHA-256, not the id, so an entry costs about 30 bytes
// (a 16-byte key and the row number in the map's slots) whatever the id's
// length, and holds no reference to the row it was read from (a string
// key pinned the whole row's text: 100-300 bytes an id). Two different
// ids share a key with probability about n^2 / 2^129 (1e-27 for a million
// ids), and SHA-256 makes a deliberately built collision infeasible.
type idSet map[[16]byte]int

// add records id at row and reports the row of an earlier occurrence, if
// any (then the set is unchanged).
func (s idSet) add(id string, row int) (first int, dup bool) {
	sum := sha256.Sum256([]byte(id))
	var k [16]byte
	copy(k[:], sum[:16])
	if first, dup = s[k]; dup {
		return first, true
	}
	s[k] = row
	return 0, false
}
