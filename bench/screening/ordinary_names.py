#!/usr/bin/env python3
"""Writes crates/intel/tests/data/ordinary_names.txt: 1,000 ordinary personal names
(250 English, 250 Spanish, 250 Chinese, 250 Korean) for the false-positive test of the
name matcher.

Each name pairs a common given name with a common surname of the same language, taken
in a fixed pseudo-random order (seeded), so the list is reproducible and nobody chose
names to suit the matcher. The sources are the well-known frequency lists (US Census
surnames and SSA given names; INE Spain; the Chinese and Korean national surname
rankings), written from memory as plain words; none is a list entry. Korean and Chinese
names appear in romanised form, and one in five of them also in Hangul or Han script.
"""
import random
import pathlib

ENGLISH_GIVEN = """James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra
Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George
Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy
Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin
Samantha Samuel Katherine Gregory Christine Frank Debra Alexander Rachel Raymond Carolyn Patrick Janet Jack Catherine
Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria
Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian Andrea Keith
Cheryl Roger Hannah Terry Jacqueline Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison
Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe Judy Bruce Sophia Gabriel Grace
Logan Denise Albert Amber Willie Doris Alan Marilyn Juan Danielle Wayne Beverly Elijah Isabella Randy Theresa Roy Diana
Vincent Natalie Ralph Brittany Eugene Charlotte Russell Marie Bobby Kayla Mason Alexis Philip Lori""".split()
ENGLISH_SUR = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Nelson Baker Hall
Campbell Mitchell Carter Roberts Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan
Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders
Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Simmons
Patterson Jordan Reynolds Hamilton Graham Wallace Cole West Stone Ellis Fox Hunt Palmer Webb Black Rice Mason Dixon
Hart Warren Hudson Shaw Holmes Marshall Murray Ford Owens Harper Gibson Porter Spencer Knight Lane Burke Fleming""".split()
SPANISH_GIVEN = """Antonio Manuel Jose Francisco David Juan Javier Daniel Carlos Jesus Alejandro Miguel Rafael Pedro Pablo
Angel Sergio Fernando Jorge Luis Alberto Alvaro Adrian Diego Raul Enrique Ramon Vicente Ivan Ruben Oscar Andres Joaquin
Santiago Eduardo Victor Roberto Jaime Mario Ignacio Alfonso Salvador Ricardo Marcos Emilio Guillermo Gabriel Julian
Tomas Agustin Gonzalo Felix Hugo Nicolas Cristian Mateo Martin Samuel Lucas Leonardo Maria Carmen Ana Isabel Laura
Cristina Marta Lucia Francisca Dolores Paula Elena Raquel Rosa Pilar Sara Manuela Mercedes Rocio Teresa Beatriz Julia
Silvia Irene Patricia Alba Andrea Rosario Encarnacion Monica Nuria Angela Sonia Sandra Marina Susana Margarita Yolanda
Natalia Inmaculada Eva Claudia Esther Veronica Noelia Carolina Sofia Daniela Valentina Camila Gabriela Ximena Lorena""".split()
SPANISH_SUR = """Garcia Rodriguez Gonzalez Fernandez Lopez Martinez Sanchez Perez Gomez Martin Jimenez Ruiz Hernandez Diaz
Moreno Munoz Alvarez Romero Alonso Gutierrez Navarro Torres Dominguez Vazquez Ramos Gil Ramirez Serrano Blanco Molina
Morales Suarez Ortega Delgado Castro Ortiz Rubio Marin Sanz Nunez Iglesias Medina Garrido Cortes Castillo Santos Lozano
Guerrero Cano Prieto Mendez Cruz Calvo Gallego Vidal Leon Marquez Herrera Pena Flores Cabrera Campos Vega Fuentes
Carrasco Diez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Lorenzo Montero Hidalgo Gimenez Ibanez Ferrer
Duran Santiago Benitez Mora Vicente Vargas Arias Carmona Crespo Roman Pastor Soto Saez Velasco Moya Soler Parra
Esteban Bravo Gallardo Rojas""".split()
CHINESE_SUR = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song
Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jin
Fu Zhong Lu Dai Cui Tan Liao Fan Wan Qiu Xia Jia Shi Fang Yin""".split()
CHINESE_GIVEN = """Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xiulan Xia Ping Gang Gui
Hua Hong Hui Jian Kai Lan Lin Mei Ning Peng Qing Rui Shan Ting Xin Yi Ying Yu Zhen Zhiwei Haoran Yuxuan Zihan Yiming
Xinyi Yutong Jiahui Wenjing Jianguo Guoqiang Xiaoming Lihua Dongmei Chunhua Shuang Bo Hao Lei Xue Yun Jiayi Zixuan
Haoyu Ruoxi Shiyu Mingzhe Junjie Zhihao Yihan""".split()
KOREAN_SUR = """Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Jeon Hong Yoo Ko Moon
Yang Son Bae Baek Heo Nam Noh Ha Kwak Sung Cha Joo Woo Min Ryu Na Jin Ji Eom Chae Won Cheon Bang""".split()
KOREAN_GIVEN = """Min-jun Seo-yeon Ji-hoon Ji-woo Seo-jun Ha-eun Do-yun Ha-yoon Ye-jun Ji-yoo Si-woo Seo-ah Joo-won
Ha-rin Ji-ho Ji-a Eun-woo Su-ah Jun-seo Yoon-seo Hyun-woo Chae-won Gun-woo Da-eun Woo-jin So-yul Sung-min Yu-jin
Ji-hwan Soo-bin Jae-won Min-seo Dong-hyun Ye-eun Tae-yang Eun-ji Jin-woo Hye-jin Kyung-soo Mi-kyung Young-ho Sun-hee
Jae-hyun Ji-min Hyun-jung Seung-woo Min-ji Jong-hoon Eun-jung Sang-hoon Yeon-woo Hae-won Dae-sung Bo-ram In-ho
Na-yeon Kyu-ri Do-hyun""".split()

# Hangul for a few romanised syllables and surnames (for the native-script share).
HANGUL_SUR = {"Kim": "김", "Lee": "이", "Park": "박", "Choi": "최", "Jung": "정", "Kang": "강", "Cho": "조",
              "Yoon": "윤", "Jang": "장", "Lim": "임", "Han": "한", "Oh": "오", "Shin": "신", "Song": "송"}
HANGUL_GIVEN = {"Min-jun": "민준", "Seo-yeon": "서연", "Ji-hoon": "지훈", "Ji-woo": "지우", "Seo-jun": "서준",
                "Ha-eun": "하은", "Do-yun": "도윤", "Ye-jun": "예준", "Eun-woo": "은우", "Hyun-woo": "현우",
                "Ji-min": "지민", "Min-ji": "민지", "Sung-min": "성민", "Yu-jin": "유진"}
HAN_SUR = {"Wang": "王", "Li": "李", "Zhang": "张", "Liu": "刘", "Chen": "陈", "Yang": "杨", "Huang": "黄",
           "Zhao": "赵", "Wu": "吴", "Zhou": "周", "Xu": "徐", "Sun": "孙", "Ma": "马", "Zhu": "朱", "Hu": "胡"}
HAN_GIVEN = {"Wei": "伟", "Fang": "芳", "Na": "娜", "Min": "敏", "Jing": "静", "Qiang": "强", "Lei": "磊",
             "Jun": "军", "Yang": "洋", "Yong": "勇", "Yan": "艳", "Jie": "杰", "Tao": "涛", "Ming": "明",
             "Chao": "超", "Ping": "平", "Gang": "刚", "Hua": "华", "Hong": "红", "Hui": "慧"}


# Combinations that are themselves the name of a listed person (the false-positive test
# found them): a namesake of a listed person is a true name match for an analyst to
# clear with the date of birth, not a false positive, so they are not drawn.
LISTED = {("Jing", "He")}


def pick(rng, given, sur, n, fmt):
    seen, out = set(), []
    while len(out) < n:
        g, s = rng.choice(given), rng.choice(sur)
        if (g, s) in seen or (g, s) in LISTED:
            continue
        seen.add((g, s))
        out.append(fmt(g, s, rng))
    return out


def main():
    rng = random.Random(20240503)
    names = []
    names += pick(rng, ENGLISH_GIVEN, ENGLISH_SUR, 250,
                  lambda g, s, r: f"{g} {s}" if r.random() < 0.7 else f"{s.upper()}, {g}")
    names += pick(rng, SPANISH_GIVEN, SPANISH_SUR, 250,
                  lambda g, s, r: f"{g} {s} {r.choice(SPANISH_SUR)}" if r.random() < 0.5 else f"{g} {s}")

    def chinese(g, s, r):
        if r.random() < 0.2 and s in HAN_SUR and g in HAN_GIVEN:
            return HAN_SUR[s] + HAN_GIVEN[g]
        return f"{s} {g}" if r.random() < 0.6 else f"{g} {s}"

    def korean(g, s, r):
        if r.random() < 0.2 and s in HANGUL_SUR and g in HANGUL_GIVEN:
            return HANGUL_SUR[s] + HANGUL_GIVEN[g]
        return f"{s} {g}" if r.random() < 0.5 else f"{g} {s}"

    names += pick(rng, CHINESE_GIVEN, CHINESE_SUR, 250, chinese)
    names += pick(rng, KOREAN_GIVEN, KOREAN_SUR, 250, korean)
    out = pathlib.Path(__file__).resolve().parents[2] / "crates/intel/tests/data/ordinary_names.txt"
    out.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {out}")


if __name__ == "__main__":
    main()
